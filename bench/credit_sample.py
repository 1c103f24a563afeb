"""The tracker's credits on a real history, sampled for a human to check against `git show`.

    python bench/credit_sample.py REPO [--seed 26] [--per-outcome 10] [--total 50]
        [--since REV] [--window 8] [--no-scan]

REPO holds an issues.yaml (and a config, if any): the history is the one `audit report`
walks there (warm from its cache when the report ran first). Prints, in order:

1. The checks that need no human: per issue, its commits' credits add up to its fixed and
   removed counts; its open findings equal those of a fresh `audit scan --format json` of
   the work tree (HEAD checked out, nothing modified), rule by rule.
2. The sample, drawn with `random.Random(seed)`: up to `--per-outcome` credits of every
   outcome the history has (fixed, removed, moved, reopened; all of them where it has
   fewer), topped up at random to `--total`. For each credit: its number, outcome, rule,
   commit and subject, path:line (a move: from and to; a reopening: the commit whose
   disappearance it undoes), the flagged line, and the hunks of `git show` on that path
   that hold the line: enough for a TRUE/FALSE verdict.

Fixed and removed come from the report's own state (`IssueState.fixed` / `.removed`, as
`audit report --format json` writes them). The JSON does not list moves and reopenings
one by one (it counts them on the commits linked to an issue, and lists a reopening only
while its finding is open), so they come from the history's events, which the report's
counts are made of.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.scan.run import CACHE_DIR, open_project
from auditor.track.records import FIXED, MOVED, REMOVED, REOPENED, SUPPRESSED, History
from auditor.track.state import TrackerState
from auditor.track.tally import build_state
from auditor.track.use_case import history_of, load_project_issues, tracker_options

OUTCOMES = ("fixed", "removed", "moved", "reopened")
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True, slots=True)
class Credit:
    outcome: str  # fixed | removed (moved out of scope included) | moved | reopened
    detail: str  # finer: "moved out of scope", "file renamed", "to another file", "in file"
    rule: str
    commit: str
    path: str  # where it was before the commit; reopened: where it comes back
    line: int  # in the parent's version of `path`; 0: not known
    to_path: str = ""  # moved, reopened: where it is after the commit
    to_line: int = 0
    undone: str = ""  # reopened: the commit whose disappearance it undoes
    undone_line: int = 0  # reopened: where it was before that commit


class Git:
    def __init__(self, repo: Path) -> None:
        self.repo = repo

    def out(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.repo), *args], capture_output=True, text=True, errors="replace"
        )
        return done.stdout

    def exists(self, rev: str, path: str) -> bool:
        done = subprocess.run(
            ["git", "-C", str(self.repo), "cat-file", "-e", f"{rev}:{path}"], capture_output=True
        )
        return done.returncode == 0

    def renamed_from(self, sha: str, path: str) -> str | None:
        """The path `path` had before `sha` renamed it (first parent), if it did."""
        for row in self.out("diff", "--name-status", "-M", f"{sha}^", sha).splitlines():
            status, *paths = row.split("\t")
            if status.startswith("R") and len(paths) == 2 and paths[1] == path:
                return paths[0]
        return None

    def find(self, rev: str, path: str, text: str, near: int) -> int:
        """The line of `path` at `rev` that reads `text` (stripped; or begins it, a
        comment added after), the nearest to `near`; `near` when none does."""
        lines = [t.strip() for t in self.out("show", f"{rev}:{path}").splitlines()]
        if 0 < near <= len(lines) and lines[near - 1] == text:
            return near
        for same in (lambda t: t == text, lambda t: bool(t) and text.startswith(t)):
            found = [n for n, t in enumerate(lines, 1) if same(t)]
            if found:
                return min(found, key=lambda n: abs(n - near))
        return near

    def line(self, rev: str, path: str, number: int) -> str:
        if number < 1:
            return ""
        lines = self.out("show", f"{rev}:{path}").splitlines()
        return lines[number - 1].strip() if number <= len(lines) else "(past the end)"


def report_credits(state: TrackerState) -> list[Credit]:
    credits = []
    for issue in state.issues:
        for ref in (*issue.fixed, *issue.removed):
            if ref.commit is None:
                continue  # credited to an unreadable span, to no single commit
            outcome = FIXED if ref.outcome == FIXED else REMOVED
            detail = "" if ref.outcome in (FIXED, REMOVED) else ref.outcome
            credits.append(Credit(outcome, detail, ref.rule_id, ref.commit, ref.path, ref.line))
    return credits


def event_credits(history: History, git: Git) -> list[Credit]:
    """Moves and reopenings, from the events. A move's origin is the finding's place as
    last recorded by an event: its path is exact, its line may be older than the parent."""
    where = {s.identity: (s.finding.path, s.finding.start.line) for s in history.baseline}
    gone_at: dict[str, tuple[str, int]] = {}
    credits = []
    for commit in history.commits:
        for event in commit.events:
            finding, identity = event.sighting.finding, event.sighting.identity
            here = (finding.path, finding.start.line)
            if event.kind == MOVED:
                path, line = where.get(identity, ("?", 0))
                if path == finding.path:
                    detail = "in file"
                elif git.exists(commit.sha, path):
                    detail = "to another file"
                else:
                    detail = "file renamed"
                credits.append(
                    Credit(MOVED, detail, finding.rule_id, commit.sha, path, line, *here)
                )
            elif event.kind == REOPENED:
                undone, line = gone_at.get(identity, ("?", 0))
                credits.append(
                    Credit(REOPENED, "", finding.rule_id, commit.sha, *here, *here, undone, line)
                )
            if event.kind in (FIXED, REMOVED, SUPPRESSED):
                gone_at[identity] = (commit.sha, finding.start.line)
            else:
                where[identity] = here
    return credits


def draw(credits: Sequence[Credit], seed: int, per_outcome: int, total: int) -> list[Credit]:
    """Up to `per_outcome` of each outcome, then more at random up to `total`; in the
    order of OUTCOMES, then of the draw."""
    rng = random.Random(seed)
    chosen: list[Credit] = []
    rest: list[Credit] = []
    for outcome in OUTCOMES:
        pool = sorted(
            (c for c in credits if c.outcome == outcome),
            key=lambda c: (c.commit, c.path, c.line, c.rule, c.to_path, c.to_line),
        )
        rng.shuffle(pool)
        chosen += pool[:per_outcome]
        rest += pool[per_outcome:]
    rng.shuffle(rest)
    chosen += rest[: max(0, total - len(chosen))]
    order = {o: i for i, o in enumerate(OUTCOMES)}
    return sorted(chosen, key=lambda c: order[c.outcome])


def _parsed(diff: str) -> list[tuple[int, int, int, str]]:
    """Each line of a one-file diff's hunks: (hunk number, old line, new line, text)."""
    rows = []
    hunk = old = new = 0
    for text in diff.splitlines():
        match = _HUNK.match(text)
        if match:
            hunk, old, new = hunk + 1, int(match[1]), int(match[3])
            rows.append((hunk, 0, 0, text))
        elif hunk and not text.startswith("\\"):  # not "\ No newline at end of file"
            rows.append((hunk, old, new, text))
            old += text[:1] != "+"
            new += text[:1] != "-"
    return rows


def hunks(
    git: Git, sha: str, path: str, old_line: int, new_line: int, window: int, renamed: str = ""
) -> str:
    """The hunk of `git show sha -- path` that holds `old_line` (in the parent) or
    `new_line` (in the commit): whole up to 4 x `window` lines, else `window` lines either
    side of it under its header; the start of the diff when neither line is known."""
    paths = [path, renamed] if renamed else [path]  # renamed: the name `path` took
    diff = git.out("show", "--format=", "--first-parent", "-M", sha, "--", *paths)
    if not diff:
        return "   (no change to this path in the commit)"
    rows = _parsed(diff)
    if old_line == 0 and new_line == 0:
        return "\n".join(text for *_, text in rows[: 2 * window])
    for index, (hunk, old, new, text) in enumerate(rows):
        if not old and not new:
            continue
        at_old = old_line and old == old_line and text[:1] != "+"
        at_new = new_line and new == new_line and text[:1] != "-"
        if at_old or at_new:
            whole = [t for h, _, _, t in rows if h == hunk]
            if len(whole) <= 4 * window:  # small enough to read whole: what replaced it too
                return "\n".join(whole)
            near = [
                t for h, _, _, t in rows[max(0, index - window) : index + window + 1] if h == hunk
            ]
            return "\n".join([whole[0], *(t for t in near if t != whole[0])])
    return f"   (no hunk of {path} holds the line: it did not change there)"


def added_elsewhere(git: Git, credit: Credit, text: str) -> list[str]:
    """Where the commit adds a line reading `text` (stripped): a fix or removal whose code
    was added elsewhere in the same commit may be a move the tracker missed."""
    if len(text) < 4:
        return []
    diff = git.out("show", "--format=", "--first-parent", "-U0", credit.commit)
    if not diff:  # a blob this clone lacks fails the whole diff: file by file then
        paths = git.out("diff", "--name-only", "--no-renames", f"{credit.commit}^", credit.commit)
        diff = "".join(
            git.out("show", "--format=", "--first-parent", "-U0", credit.commit, "--", p)
            for p in paths.splitlines()
        )
    found = []
    path = ""
    new = 0
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else line[4:]
            continue
        match = _HUNK.match(line)
        if match:
            new = int(match[3])
        elif line.startswith("+"):
            if line[1:].strip() == text:
                found.append(f"{path}:{new}")
            new += 1
    return found


def show(number: int, credit: Credit, git: Git, window: int) -> str:
    subject = git.out("log", "-1", "--format=%h %ad %s", "--date=short", credit.commit).strip()
    head = f"#{number} {credit.outcome.upper()}"
    if credit.detail:
        head += f" ({credit.detail})"
    out = [f"{head} {credit.rule}  {subject}"]
    parent = f"{credit.commit}^"
    if credit.outcome == REOPENED:
        back = git.line(credit.commit, credit.path, credit.to_line)
        out.append(f"  at {credit.path}:{credit.to_line}: {back}")
        undone = git.out("log", "-1", "--format=%h %ad %s", "--date=short", credit.undone).strip()
        out.append(f"  undoes the disappearance at {undone or credit.undone}")
        out.append(hunks(git, credit.commit, credit.path, 0, credit.to_line, window))
        if credit.undone != "?":
            out.append(f"  -- the disappearance, git show {credit.undone[:10]} -- {credit.path}:")
            out.append(hunks(git, credit.undone, credit.path, credit.undone_line, 0, window))
        return "\n".join(out)
    path = credit.path
    if not git.exists(parent, path):  # credited under the name the commit gave the file
        path = git.renamed_from(credit.commit, path) or path
        out.append(f"  (the report names {credit.path}; the commit renamed it from {path})")
    line = credit.line
    if credit.outcome == MOVED:  # the origin's line as last recorded may be stale
        line = git.find(parent, path, git.line(credit.commit, credit.to_path, credit.to_line), line)
    flagged = git.line(parent, path, line)
    out.append(f"  was {path}:{line}: {flagged}")
    if credit.outcome == MOVED and line == credit.line:
        moved = git.line(credit.commit, credit.to_path, credit.to_line)
        if flagged != moved:  # edited on the way: the origin is the place last recorded
            out.append("  (origin as last recorded by an event: the file may have moved under it)")
    if credit.outcome != MOVED and (elsewhere := added_elsewhere(git, credit, flagged)):
        out.append(f"  the same line is added at: {', '.join(elsewhere[:5])}")
    if credit.outcome == MOVED:
        to = git.line(credit.commit, credit.to_path, credit.to_line)
        out.append(f"  now {credit.to_path}:{credit.to_line}: {to}")
        out.append(hunks(git, credit.commit, credit.path, line, 0, window))
        if credit.to_path != credit.path:
            out.append(hunks(git, credit.commit, credit.to_path, 0, credit.to_line, window))
    else:
        renamed = credit.path if path != credit.path else ""
        out.append(hunks(git, credit.commit, path, line, 0, window, renamed))
    return "\n".join(out)


def sums(state: TrackerState) -> list[str]:
    """Per issue: the commits' credits against the fixed and removed counts."""
    lines = []
    for issue in state.issues:
        fixed = sum(c.fixed for c in issue.commits)
        removed = sum(c.removed for c in issue.commits)
        want_fixed = sum(1 for r in issue.fixed if r.commit is not None)
        want_removed = sum(1 for r in issue.removed if r.commit is not None)
        verdict = "exact" if (fixed, removed) == (want_fixed, want_removed) else "DIFFERENT"
        lines.append(
            f"  {issue.id:8} commits credit fixed {fixed} / listed {want_fixed}, removed "
            f"{removed} / listed {want_removed} ({len(issue.fixed) - want_fixed} fixed and "
            f"{len(issue.removed) - want_removed} removed in unknown spans): {verdict}"
        )
    return lines


def open_against_scan(state: TrackerState, repo: Path) -> list[str]:
    """The report's open findings (tracked and untracked) against a fresh scan, by rule."""
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "scan", "--format", "json", "--no-cache"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    try:
        scanned = json.loads(done.stdout)
    except json.JSONDecodeError:
        return [f"  scan gave no JSON (exit {done.returncode}): {done.stderr.strip()[-300:]}"]
    found = scanned["findings"] if isinstance(scanned, dict) else scanned
    by_scan = Counter(f["rule_id"] if "rule_id" in f else f["rule"] for f in found)
    by_report: Counter[str] = Counter()
    for issue in state.issues:
        by_report.update(r.rule_id for r in issue.open)
    for group in state.untracked:
        by_report[group.rule_id] += len(group.findings)
    lines = []
    for rule in sorted(set(by_scan) | set(by_report)):
        same = "equal" if by_scan[rule] == by_report[rule] else "DIFFERENT"
        lines.append(f"  {rule:20} report {by_report[rule]:5}  scan {by_scan[rule]:5}  {same}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--per-outcome", type=int, default=10)
    parser.add_argument("--total", type=int, default=50)
    parser.add_argument("--since")
    parser.add_argument("--window", type=int, default=8, help="diff lines shown around the line")
    parser.add_argument("--no-scan", action="store_true", help="skip the open-count check")
    args = parser.parse_args(argv)
    repo = args.repo.resolve()
    project = open_project(repo, None)
    project = dataclasses.replace(project, cache_dir=project.config.root / CACHE_DIR)
    issues = load_project_issues(project)
    history = history_of(project, issues, args.since)
    state = build_state(issues, history, tracker_options(project, issues))
    git = Git(repo)
    credits = report_credits(state) + event_credits(history, git)
    counts = Counter(c.outcome for c in credits)
    print(
        f"{repo.name}: HEAD {state.head}, {state.commits_scanned} commits tracked ({state.range})"
    )
    print("credits: " + ", ".join(f"{o} {counts[o]}" for o in OUTCOMES))
    print("credit sums:")
    print("\n".join(sums(state)))
    if not args.no_scan:
        print("open at HEAD, report against `audit scan`:")
        print("\n".join(open_against_scan(state, repo)))
    sample = draw(credits, args.seed, args.per_outcome, args.total)
    drawn = Counter(c.outcome for c in sample)
    print(f"\nsample (seed {args.seed}): " + ", ".join(f"{o} {drawn[o]}" for o in OUTCOMES))
    for number, credit in enumerate(sample, 1):
        print("\n" + "=" * 100)
        print(show(number, credit, git, args.window))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
