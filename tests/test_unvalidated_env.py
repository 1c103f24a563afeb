"""unvalidated-env: exact findings and messages, what counts as a read, what counts as
validated (pydantic-settings, environs, django-environ, python-decouple), settings modules
and allow-names, and the shared detection that `audit env` uses."""

from __future__ import annotations

import textwrap

import pytest

from auditor.env.reads import EnvRead, ReadKind
from auditor.model import Location, SourceError
from auditor.testing import run_rule
from rules.python._env_inventory import python_env_reads
from rules.python.unvalidated_env import UnvalidatedEnv

ADVICE = "read and validate it once, in a settings module"


def findings(code: str, path: str = "shop/views.py", **options: tuple[str, ...]) -> list[str]:
    found = run_rule(UnvalidatedEnv, textwrap.dedent(code), path, options)
    return [f"{f.start.line}:{f.start.column} {f.rule_id} {f.message}" for f in found]


def message(subject: str, outcome: str) -> str:
    return f"{subject} is read outside a settings module: if it is unset, this {outcome}; {ADVICE}"


def test_messages_name_the_variable_and_what_a_missing_value_does() -> None:
    code = """\
        import os
        a = os.environ["A"]
        b = os.environ.get("B")
        c = os.environ.get("C", None)
        d = os.getenv("D", "8000")
        e = os.getenv("E", 5_432)
        f = os.getenv(key="F", default=-1.5)
        g = os.environ.get("G", DEFAULTS["G"])
        h = os.environ.setdefault("H", "C.UTF-8")
        i = os.environ.setdefault("I", None)
        j = os.environ.pop("J")
        k = os.environ[f"K_{a}"]
        m = os.environ.get("my var", False)
        """
    assert findings(code) == [
        f"2:5 unvalidated-env {message('environment variable A', 'raises KeyError')}",
        f"3:5 unvalidated-env {message('environment variable B', 'silently gives None')}",
        f"4:5 unvalidated-env {message('environment variable C', 'silently gives None')}",
        "5:5 unvalidated-env "
        + message("environment variable D", 'falls back to the default "8000"'),
        f"6:5 unvalidated-env {message('environment variable E', 'falls back to the default 5_432')}",
        f"7:5 unvalidated-env {message('environment variable F', 'falls back to the default -1.5')}",
        "8:5 unvalidated-env "
        + message("environment variable G", "falls back to a computed default"),
        "9:5 unvalidated-env "
        + message("environment variable H", 'falls back to the default "C.UTF-8"'),
        f"10:5 unvalidated-env {message('environment variable I', 'raises TypeError')}",
        f"11:5 unvalidated-env {message('environment variable J', 'raises KeyError')}",
        "12:5 unvalidated-env "
        + message("an environment variable with a computed name", "raises KeyError"),
        "13:5 unvalidated-env "
        + message("environment variable 'my var'", "falls back to the default False"),
    ]


def test_long_literal_defaults_are_shortened_in_the_message() -> None:
    code = 'import os\nx = os.getenv("X", "' + "a" * 60 + '")\n'
    (only,) = findings(code)
    assert only.endswith(f'falls back to the default "{"a" * 36}...; {ADVICE}')


def test_whole_environment_iteration_is_reported_but_copies_are_not() -> None:
    code = """\
        import os, subprocess
        for name in os.environ:
            pass
        values = [v for v in os.environ.values()]
        prefixed = {k: v for k, v in os.environ.items() if k.startswith("APP_")}
        subprocess.run(["ls"], env=os.environ.copy())
        child = {**os.environ, "LANG": "C"}
        same = dict(os.environ)
        """
    every = "every environment variable is read ({}) outside a settings module; read the ones you need, and validate them, in a settings module"
    assert findings(code) == [
        f"2:13 unvalidated-env {every.format('for ... in os.environ')}",
        f"4:22 unvalidated-env {every.format('os.environ.values()')}",
        f"5:30 unvalidated-env {every.format('os.environ.items()')}",
    ]


@pytest.mark.parametrize(
    "code",
    [
        'import os\nos.environ["X"] = "1"\n',
        'import os\ndel os.environ["X"]\n',
        'import os\nos.environ["A"], os.environ["B"] = "1", "2"\n',
        'import os\nfor os.environ["X"] in ["1"]:\n    pass\n',
        'import os\nos.environ.pop("X", None)\n',
        'import os\nos.environ.update({"X": "1"})\nos.environ.clear()\n',
        'import os\nok = "X" in os.environ and len(os.environ) > 0\n',
        'import os\nos.environ.setdefault("X")\n',  # a TypeError, not a read
        "import os\nargs = ('X',)\nos.getenv(*args)\n",  # which variable is unknown
        'environ = {}\nx = environ["X"]\n',
        'def app(environ, start_response):\n    return environ.get("PATH_INFO")\n',
        'from os import environ\n\ndef f(environ):\n    return environ["X"]\n',
        'import os\nenv = os.environ\nenv = {}\nx = env["X"]\n',
        'x = os.environ["X"]\n',  # `os` is not imported: not the os module
        'class C:\n    environ = {}\n    x = environ["X"]\n',
        "import os\nx = os.environ.get\n",  # a reference, not a call
        'import os\nx = x.y\nx["A"]\na = b\nb = a\na["B"]\n',  # cycles end
        'import os\n\ndef f(env=os.environ):\n    return env["X"]\n',  # only `=` aliases
    ],
)
def test_not_reads(code: str) -> None:
    assert findings(code) == []


@pytest.mark.parametrize(
    ("code", "line", "column"),
    [
        ('import os\nos.environ["PLUGINS"] += ":/opt"\n', 2, 1),
        ('import os\nx = os.environ.pop("X", "d")\n', 2, 5),
        ('import os as o\nx = o.getenv("X")\n', 2, 5),
        ('from os import getenv as ge\nx = ge("X")\n', 2, 5),
        ('import os\nget = os.environ.get\nx = get("X")\n', 3, 5),
        ('import os\nenv = os.environ\nalso = env\nx = also["X"]\n', 4, 5),
        ('import os\nenv: dict = os.environ\nx = env["X"]\n', 3, 5),
        ('import os\nenv = os.environ\n\ndef f():\n    return env.get("X")\n', 5, 12),
        ('def f():\n    import os\n    return os.environ["X"]\n', 3, 12),
        ('import os\nx = os.environb[b"X"]\ny = os.getenvb(b"Y")\n', 2, 5),
        ('import os\nx = os.environ[\n    "X"\n]\n', 2, 5),
    ],
)
def test_reads_through_imports_and_aliases(code: str, line: int, column: int) -> None:
    (first, *_) = findings(code)
    assert first.startswith(f"{line}:{column} unvalidated-env ")


NOTHING = (
    "{subject} is read raw in a settings module that validates nothing: if it is unset, "
    "this {outcome}; declare it in a validated settings object (a pydantic-settings "
    "BaseSettings class, environs or django-environ), checked at startup"
)


def test_settings_modules_are_not_exempt_and_say_so() -> None:
    code = 'import os\nDB = os.environ["DB"]\n'
    in_settings = NOTHING.format(subject="environment variable DB", outcome="raises KeyError")
    flagged = [f"2:6 unvalidated-env {in_settings}"]
    assert findings(code, "shop/settings.py") == flagged
    assert findings(code, "config.py") == flagged
    assert findings(code, "shop/conf.py") == flagged
    assert findings(code, "shop/settings/prod.py") == flagged
    outside = [f"2:6 unvalidated-env {message('environment variable DB', 'raises KeyError')}"]
    assert findings(code, "shop/views.py") == outside
    assert findings(code, "shop/settings.py", **{"settings-modules": ("shop/env.py",)}) == outside
    assert findings(code, "shop/env.py", **{"settings-modules": ("shop/env.py",)}) == flagged


def test_whole_environment_in_a_settings_module() -> None:
    code = "import os\nfor name in os.environ:\n    pass\nchild = os.environ.copy()\n"
    assert findings(code, "shop/settings.py") == [
        "2:13 unvalidated-env every environment variable is read (for ... in os.environ) in a "
        "settings module; read the ones you need through a validated settings object (a "
        "pydantic-settings BaseSettings class, environs or django-environ)"
    ]


def test_raw_reads_beside_validated_settings_name_what_they_bypass() -> None:
    code = """\
        import os

        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            port: int = 8000


        def redis():
            return os.environ["REDIS_URL"]


        settings = Settings()
        PORT = os.getenv("PORT", "8000")
        """
    # Not a settings module by name: defining a validated object makes it one.
    assert findings(code, "shop/app.py") == [
        "11:12 unvalidated-env environment variable REDIS_URL is read raw in a settings "
        "module, bypassing its validation (Settings): if it is unset, this raises KeyError; "
        "declare it there, to be validated at startup",
        "15:8 unvalidated-env environment variable PORT is read raw although Settings.port "
        'validates it: if it is unset, this falls back to the default "8000"; use the '
        "validated value instead",
    ]


def test_raw_reads_beside_environs_decouple_and_django_environ() -> None:
    environs = 'import os\nfrom environs import env\nA = env.int("A")\nB = os.environ["A"]\n'
    assert findings(environs) == [
        "4:5 unvalidated-env environment variable A is read raw although env.int() validates "
        "it: if it is unset, this raises KeyError; use the validated value instead"
    ]
    decouple = 'import os\nfrom decouple import config as cfg\nB = os.getenv("B")\n'
    assert findings(decouple) == [
        "3:5 unvalidated-env environment variable B is read raw in a settings module, "
        "bypassing its validation (cfg): if it is unset, this silently gives None; declare "
        "it there, to be validated at startup"
    ]
    django = 'import os\nimport environ\nenv = environ.Env()\nC = os.environ.get("C")\n'
    assert findings(django)[0].startswith(
        "4:5 unvalidated-env environment variable C is read raw in a settings module, "
        "bypassing its validation (env)"
    )


def test_allow_names_exempt_by_name_and_pattern() -> None:
    code = """\
        import os
        a = os.environ.get("NODE_ENV")
        b = os.getenv("CI")
        c = os.environ["PATH"]
        d = os.getenv("TZ", "UTC")
        e = os.getenv("VERCEL_URL")
        f = os.getenv("DEBUG")
        """
    assert [f.split(" ", 1)[0] for f in findings(code)] == ["6:5", "7:5"]
    configured = findings(code, **{"allow-names": ("VERCEL_*", "DEBUG")})
    assert [f.split(" ", 1)[0] for f in configured] == ["2:5", "3:5", "4:5", "5:5"]
    assert len(findings(code, **{"allow-names": ()})) == 6
    # A pattern is shell-style and case-sensitive; exact names are not patterns.
    assert findings('import os\nx = os.getenv("vercel_url")\n', **{"allow-names": ("VERCEL_*",)})


def test_suppression_comment_silences_one_read() -> None:
    code = 'import os\na = os.environ["A"]  # audit: ignore[unvalidated-env]\nb = os.getenv("B")\n'
    assert [f.split(" ", 1)[0] for f in findings(code)] == ["3:5"]


def test_a_file_without_triggers_is_not_parsed() -> None:
    assert python_env_reads("x.py", "this is not python (\n", False) == ()


# --- the shared detection, as the inventory sees it ------------------------------------


def test_detection_yields_name_kind_default_and_place() -> None:
    code = textwrap.dedent(
        """\
        import os
        from os import environ as ENV
        a = ENV["A"]
        b = os.getenv("B", "x" "y")
        c = os.environ.get("C", 8000)
        d = os.environ.get("D", make())
        e = os.environ.get("E", True)
        child = os.environ.copy()
        for k, v in os.environ.items():
            pass
        f = ENV[name]
        """
    )
    reads = python_env_reads("app/settings.py", code, True)

    def read(
        name: str | None,
        line: int,
        col: int,
        kind: ReadKind,
        default: str | None,
        via: str,
        inferred: str | None = None,
    ) -> EnvRead:
        place = Location(line, col)
        return EnvRead(
            name, "app/settings.py", place, kind, default, True, via, inferred_type=inferred
        )

    # The type the fix would declare; none where the fix leaves the read (a default that
    # is not a string, or computed).
    assert reads == (
        read("A", 3, 5, "required", None, "os.environ[...]", "str"),
        read("B", 4, 5, "default", "xy", "os.getenv()", "str"),
        read("C", 5, 5, "default", "8000", "os.environ.get()"),
        read("D", 6, 5, "default", None, "os.environ.get()"),
        read("E", 7, 5, "default", "True", "os.environ.get()"),
        read(None, 8, 9, "copy", None, "os.environ.copy()"),
        read(None, 9, 13, "enumerate", None, "os.environ.items()"),
        read(None, 11, 5, "required", None, "os.environ[...]"),
    )


def test_detection_reports_what_does_not_parse() -> None:
    with pytest.raises(SourceError) as caught:
        python_env_reads("x.py", "import os\nx = (os.environ\n", False)
    assert caught.value.message == "cannot parse: '(' was never closed"
    assert caught.value.location == Location(2, 5)
