"""Single-file components (`.vue`, `.svelte`, `.astro`): their script blocks are scanned
by the JS/TS rules with positions in the component file, fixed inside the blocks only,
suppressed by comments in them, published by the language server, and tracked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from test_lsp import ERROR, _diagnostic, server  # noqa: F401 (server: the fixture)

from conftest import Run, commit_all, git

Project = Callable[[dict[str, str | bytes]], Path]
Audit = Callable[..., Run]

LOGGER = "import { logger } from '@/lib/logger';"
CONFIG = f'[tool.audit]\n[tool.audit.rules.console-logging]\nlogger-import = "{LOGGER}"\n'
PROJECT = {
    "pyproject.toml": CONFIG,
    "package.json": '{"name": "shop", "type": "module", "dependencies": {"zod": "^3.0.0"}}\n',
    "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"]}}}\n',
    "src/lib/logger.ts": "export const logger = { debug(...a: unknown[]) {}, warn(...a: unknown[]) {} };\n",
}

VUE = """<template>
  <button @click="console.log('clicked')">{{ user.name }}</button>
</template>

<script setup lang="ts">
import { ref } from "vue";

const count = ref(0);
const url = process.env.API_URL;
console.log(count.value, url);
console.debug(count.value); // audit: ignore[console-logging]
</script>

<style>
button { color: red; }
</style>
"""
VUE_FIXED = """<template>
  <button @click="console.log('clicked')">{{ user.name }}</button>
</template>

<script setup lang="ts">
import { ref } from "vue";
import { logger } from '@/lib/logger';
import { env } from "@/env";

const count = ref(0);
const url = env.API_URL;
logger.debug(count.value, url);
console.debug(count.value); // audit: ignore[console-logging]
</script>

<style>
button { color: red; }
</style>
"""
SVELTE = """<script context="module" lang="ts">
  export const prerender = true;
</script>

<script lang="ts">
  let { data } = $props();
  console.log(data.id);
</script>

<svelte:head>
  <script>console.log("a page's script, not the component's")</script>
</svelte:head>

<!-- <script>console.log("commented out")</script> -->
<h1 onclick={() => console.log(1)}>{data.title}</h1>
"""
ASTRO = """---
const title = "Hi";
console.log(title);
---
<h1>{title}</h1>
<script type="application/ld+json">{"name": "console.log(1)"}</script>
<script>
  document.title = "x";
  console.warn("client");
</script>
"""
ASTRO_FIXED = """---
import { logger } from '@/lib/logger';

const title = "Hi";
logger.debug(title);
---
<h1>{title}</h1>
<script type="application/ld+json">{"name": "console.log(1)"}</script>
<script>
  import { logger } from '@/lib/logger';

  document.title = "x";
  logger.warn("client");
</script>
"""


def located(run: Run) -> list[tuple[str, str, str]]:
    """(path:line:col, severity, rule) of each finding line."""
    rows = []
    for line in run.out.splitlines():
        parts = line.split(" ", 3)
        if len(parts) == 4 and parts[0].count(":") == 3:
            rows.append((parts[0].rstrip(":"), parts[1], parts[2]))
    return rows


def test_findings_are_at_their_place_in_the_component(project: Project, audit: Audit) -> None:
    project({**PROJECT, "Page.vue": VUE, "Item.svelte": SVELTE, "index.astro": ASTRO})
    result = audit("scan", "--no-cache")
    assert located(result) == [
        ("Item.svelte:7:3", "critical", "console-logging"),
        ("Page.vue:9:13", "high", "unvalidated-env"),
        ("Page.vue:10:1", "critical", "console-logging"),
        ("index.astro:3:1", "critical", "console-logging"),
        ("index.astro:9:3", "critical", "console-logging"),
    ]
    assert result.code == 1
    assert "4 files scanned" in result.out  # the logger module and the three components


def test_fixes_edit_the_script_blocks_only(project: Project, audit: Audit) -> None:
    root = project(
        {
            **PROJECT,
            "Page.vue": VUE,
            "index.astro": ASTRO,
            "One.svelte": "<script>console.log(1)</script>\n<p>hi</p>\n",
        }
    )
    result = audit("scan", "--no-cache", "--fix", "--unsafe-fixes")
    assert result.code == 0, result.out
    assert (root / "Page.vue").read_text() == VUE_FIXED
    assert (root / "index.astro").read_text() == ASTRO_FIXED
    # The import goes above the first statement; here that is inside the tag's line.
    assert (root / "One.svelte").read_text() == (
        f"<script>{LOGGER}\n\nlogger.debug(1)</script>\n<p>hi</p>\n"
    )
    assert (root / "src/env.ts").exists()
    assert audit("scan", "--no-cache", "--fix", "--unsafe-fixes").out.startswith("No findings")


def test_an_added_import_takes_the_indentation_of_the_blocks_code(
    project: Project, audit: Audit
) -> None:
    # As Svelte apps write their scripts (cashier-sveltekit): every line one tab in.
    tabbed = (
        '<script lang="ts">\n\timport { onMount } from "svelte";\n\n'
        "\tonMount(() => {\n\t\tconsole.warn(1);\n\t});\n</script>\n<p>hi</p>\n"
    )
    # A line of code at column 0 (a template literal's): the block is not indented.
    flush = (
        "<script>\n  const q = `a\nb`;\n  console.warn(q);\n</script>\n<template><p/></template>\n"
    )
    root = project({**PROJECT, "Tabbed.svelte": tabbed, "Flush.vue": flush})
    assert audit("scan", "--no-cache", "--fix", "--unsafe-fixes").code == 0
    assert (root / "Tabbed.svelte").read_text() == (
        '<script lang="ts">\n\timport { onMount } from "svelte";\n'
        f"\t{LOGGER}\n\n\tonMount(() => {{\n\t\tlogger.warn(1);\n\t}});\n"
        "</script>\n<p>hi</p>\n"
    )
    assert (root / "Flush.vue").read_text() == (
        f"<script>\n{LOGGER}\n\n  const q = `a\nb`;\n  logger.warn(q);\n</script>\n"
        "<template><p/></template>\n"
    )
    assert audit("scan", "--no-cache", "--fix", "--unsafe-fixes").out.startswith("No findings")


def test_a_fix_that_changes_the_markup_is_refused() -> None:
    from auditor.scan.js_backend import TYPESCRIPT

    before = "<p>{{ a }}</p>\n<script>\nlet a = 1;\n</script>\n"
    inside = before.replace("let a = 1;", "let a = 2;")
    assert TYPESCRIPT.check_fix(before, inside, [], "A.vue") is None
    outside = before.replace("<p>", "<div>")
    assert TYPESCRIPT.check_fix(before, outside, [], "A.vue") == (
        "the fix changes the component outside its script blocks"
    )
    broken = before.replace("let a = 1;", "let a = ;")
    problem = TYPESCRIPT.check_fix(before, broken, [], "A.vue")
    assert problem is not None and problem.endswith("at 3:7)")


def test_the_tracker_counts_findings_in_components(project: Project, audit: Audit) -> None:
    root = project(
        {
            "pyproject.toml": "[tool.audit]\n",
            "issues.yaml": "project: Shop\nstarted: 2025-01-01\nissues:\n"
            "  - id: CRIT-1\n    title: Console calls\n    severity: critical\n"
            "    rules: [console-logging]\n",
            "web/Page.vue": "<script setup>\nconsole.log(1);\nconsole.log(2);\n</script>\n",
        }
    )
    git(root, "init", "-q")
    commit_all(root, "start", "2025-01-02T10:00:00+00:00")
    (root / "web/Page.vue").write_text("<script setup>\nconsole.log(1);\n</script>\n")
    commit_all(root, "one less, CRIT-1", "2025-01-03T10:00:00+00:00")
    data = json.loads(audit("report", "--format", "json").out)
    assert data["open"] == 1
    assert data["skipped"] == []


def test_the_language_server_publishes_a_vue_documents_findings(server) -> None:  # noqa: F811
    client = server({})
    text = '<template>\n  <p>{{ n }}</p>\n</template>\n<script setup lang="ts">\ntry { load(); } catch (e) {}\n</script>\n'
    client.open("Page.vue", text, "vue")
    message = "empty `catch` block swallows the error; handle, log or rethrow it"
    assert client.diagnostics("Page.vue") == [
        _diagnostic((4, 16), (4, 28), "bare-except", ERROR, message),
    ]
    assert client.close() == 0
