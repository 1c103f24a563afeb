"""console-logging (Python): the rule's examples, run by the shared harness."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid
from rules.python._logger_examples import BINDING_EXAMPLES, PROJECT_EXAMPLES

# How a print call becomes a logger call, as console-logging's examples (the harness runs
# them with the rule's).
CALL_EXAMPLES = (
    # Separators: a literal one is folded in, a computed one is not.
    Invalid(
        "import os\n\nprint('a', os.sep, 'b', sep='')\nprint(x, y, sep=', ')\n",
        fixed=(
            "import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n\n_logger.info('a%sb', os.sep)\n_logger.info('%s, %s', x, y)\n"
        ),
        count=2,
    ),
    Invalid("print(a, b, sep=separator)\n"),
    # `%` is escaped only when logging will %-format the message.
    Invalid(
        "print('100%')\nprint('100%', 'done')\nprint('%d%%', n, sep='%')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info('100%')\n_logger.info('100% done')\n"
            "_logger.info('%%d%%%%%%%s', n)\n"
        ),
        count=3,
    ),
    # A single str literal stays as it is; an f-string message becomes a %-format and its
    # values arguments, as logging wants them (ruff's G004); an f-string among other
    # arguments is an argument; bytes are not text.
    Invalid(
        'print(f"total {total}")\nprint("a", f"{b}")\nprint(b"raw")\n',
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            '_logger.info("total %s", total)\n_logger.info("a %s", f"{b}")\n'
            '_logger.info("%s", b"raw")\n'
        ),
        count=3,
    ),
    # An f-string that interpolates nothing is the plain literal it means: `{{` unescaped,
    # `%` single (no arguments, so logging does not %-format it).
    Invalid(
        'print(f"[worker] 100% {{ok}}", flush=True)\n',
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            '_logger.info("[worker] 100% {ok}")\n'
        ),
    ),
    # `!r` is `%r`, `:.2f` is `%.2f`; a literal `%` doubled, `{{` unescaped; a spec that %
    # cannot say leaves the f-string whole, as the one argument.
    Invalid(
        "print(f'{user_id!r}: 100% {{done}} in {t:.2f}s')\nprint(f'{n:>4} of {total:,}')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info('%r: 100%% {done} in %.2fs', user_id, t)\n"
            "_logger.info(\"%s\", f'{n:>4} of {total:,}')\n"
        ),
        count=2,
    ),
    Invalid(
        "print(rf'{path!r} 5% \\d')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info(r'%r 5%% \\d', path)\n"
        ),
    ),
    # No fix: nothing to log, unknown arguments, effects the fix would drop.
    Invalid("def f():\n    print()\n", line=2, column=5),
    Invalid("def f(*args, **kwargs):\n    print(*args, **kwargs)\n"),
    Invalid("print('a', end=next(endings))\n"),
    Invalid("x = f'{print(1)}'\n", column=8),
    # A multi-line call keeps its layout and the comments of kept arguments.
    Invalid(
        """
            def report(total, count):
                print(  # summary
                    "total:",
                    total,  # in cents
                    count,
                )
            """,
        fixed="""
        import logging as _logging

        _logger = _logging.getLogger(__name__)


        def report(total, count):
            _logger.info(  # summary
                "total: %s %s",
                total,  # in cents
                count,
            )
        """,
    ),
    # CRLF files get CRLF lines.
    Invalid(
        "import os\r\n\r\n\r\ndef f():\r\n    print('x')\r\n",
        fixed=(
            "import logging as _logging\r\nimport os\r\n\r\n_logger = _logging.getLogger(__name__)\r\n\r\n\r\ndef f():\r\n    _logger.info('x')\r\n"
        ),
    ),
    # Kept arguments keep their comments; a generator is parenthesised once it is not
    # the sole argument; escapes stay escapes (the file may be latin-1 or ASCII).
    Invalid(
        "print(\n    total,  # in cents\n    end='',\n)\n",
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
        '_logger.info(\n    "%s",\n    total,  # in cents\n)\n',
    ),
    Invalid(
        "print(x for x in rows)\n",
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
        '_logger.info("%s", (x for x in rows))\n',
    ),
    Invalid(
        'print(\'\\N{BULLET} caf\\xe9 50%\', n, """left\nright""")\n',
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
        "_logger.info('\\N{BULLET} caf\\xe9 50%% %s left\\nright', n)\n",
    ),
    Invalid(
        "print('100\\x25', n)\n",
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
        "_logger.info('100%% %s', n)\n",
    ),
)

VALID = (
    # Not the builtin: shadowed, imported, maybe imported, a parameter, a method.
    Valid("def print(*args):\n    pass\n\n\nprint('x')\n"),
    Valid("from rich import print\n\nprint('[bold]done[/]')\n"),
    Valid(
        """
        try:
            from rich import print
        except ImportError:
            pass
        print("done")
        """
    ),
    Valid("def show(rows, print=print):\n    for row in rows:\n        print(row)\n"),
    Valid("console.print('x')\nself.print('y')\n"),
    Valid("callback = print\nlist(map(print, rows))\ntext = 'print(x)'\n"),
    # Allowed places.
    Valid('if __name__ == "__main__":\n    print("usage: shop FILE")\n'),
    Valid("if '__main__' == __name__:\n    def run():\n        print(1)\n    run()\n"),
    Valid("print('x')\n", path="tests/test_cart.py"),
    Valid("print('x')\n", path="shop/tests/helpers/factories.py"),
    Valid("print('x')\n", path="test_cart.py"),
    Valid("print('x')\n", path="shop/cart_test.py"),
    Valid("print('x')\n", path="shop/conftest.py"),
    Valid("print('x')\n", path="shop/cli.py", options={"allow": ("shop/cli.py",)}),
    Valid("print('x')\n", path="tools/seed.py", options={"allow": ("tools/",)}),
    # Writes to a file, not the console.
    Valid("with open(path, 'w') as fh:\n    print('total', total, file=fh)\n"),
    Valid("import sys\n\nprint('x', file=buffer)\nprint('y', file=self.stdout)\n"),
)

INVALID = (
    # A module that is a single print; a single non-literal argument gets "%s".
    Invalid(
        "print(total)\n",
        fixed="""
        import logging as _logging

        _logger = _logging.getLogger(__name__)
        _logger.info("%s", total)
        """,
        line=1,
        column=1,
    ),
    # After the imports; one binding for every print (added in one round, reused in
    # the next); literals folded, one %s per other argument.
    Invalid(
        """
        import os
        from pathlib import Path


        def load(path):
            print("loading", path, "from", os.getcwd())
            print('done')
        """,
        fixed="""
        import logging as _logging
        import os
        from pathlib import Path

        _logger = _logging.getLogger(__name__)


        def load(path):
            _logger.info("loading %s from %s", path, os.getcwd())
            _logger.info('done')
        """,
        line=6,
        column=5,
        count=2,
    ),
    # stderr logs at error, however sys.stderr is spelled; file=None is stdout.
    Invalid(
        """
        import sys
        from sys import stderr as err


        def fail(reason):
            print("failed:", reason, file=sys.stderr)
            print("failed", file=err, flush=True)
            print("retrying", file=None, end="")
        """,
        fixed="""
        import logging as _logging
        import sys
        from sys import stderr as err

        _logger = _logging.getLogger(__name__)


        def fail(reason):
            _logger.error("failed: %s", reason)
            _logger.error("failed")
            _logger.info("retrying")
        """,
        count=3,
    ),
    Invalid(
        "import sys\n\nprint('x', file=sys.stdout)\n",
        fixed=(
            "import logging as _logging\nimport sys\n\n_logger = _logging.getLogger(__name__)\n\n_logger.info('x')\n"
        ),
    ),
    # Levels are options.
    Invalid(
        "import sys\n\n\ndef f():\n    print('a')\n    print('b', file=sys.stderr)\n",
        fixed=(
            "import logging as _logging\nimport sys\n\n_logger = _logging.getLogger(__name__)\n\n\ndef f():\n    _logger.debug('a')\n    _logger.warning('b')\n"
        ),
        count=2,
        options={"stdout-level": "debug", "stderr-level": "warning"},
    ),
    *BINDING_EXAMPLES,
    *PROJECT_EXAMPLES,
    *CALL_EXAMPLES,
    # A parenthesised name, a continuation line.
    Invalid(
        "(print)('x')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info('x')\n"
        ),
    ),
    Invalid(
        "print \\\n('x')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info \\\n('x')\n"
        ),
    ),
    # `builtins.print` is the builtin.
    Invalid(
        "import builtins\n\nbuiltins.print('x')\n",
        fixed=(
            "import builtins\nimport logging as _logging\n\n"
            "_logger = _logging.getLogger(__name__)\n\n_logger.info('x')\n"
        ),
    ),
    # Lambdas, comprehensions, class bodies and methods.
    Invalid(
        """
        import os

        notify = lambda name: print("hello", name)
        [print(row) for row in os.listdir()]


        class Report:
            print("defining")

            def show(self):
                print(self)
        """,
        fixed="""
        import logging as _logging
        import os

        _logger = _logging.getLogger(__name__)

        notify = lambda name: _logger.info("hello %s", name)
        [_logger.info("%s", row) for row in os.listdir()]


        class Report:
            _logger.info("defining")

            def show(self):
                _logger.info("%s", self)
        """,
        count=4,
    ),
    # The `else` of a main guard is not the main guard; a similar path is not a test.
    Invalid(
        "if __name__ == '__main__':\n    main()\nelse:\n    print('imported')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "if __name__ == '__main__':\n    main()\nelse:\n"
            "    _logger.info('imported')\n"
        ),
        line=4,
    ),
    Invalid(
        "print('x')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n"
            "_logger.info('x')\n"
        ),
        path="shop/tests_support.py",
    ),
    # Inside the logging machinery a logger call would call itself.
    Invalid(
        "import logging\n\n\nclass Tee(logging.Handler):\n    def emit(self, record):\n"
        "        print(self.format(record))\n",
        line=6,
        column=9,
    ),
    Invalid(
        "class JsonFormatter(Base):\n    pass\n\n\nclass Loud(JsonFormatter):\n"
        "    def format(self, record):\n        print(record)\n"
    ),
    # A formatter that is not logging's: `pygments.formatter.Formatter`.
    Invalid(
        "from pygments.formatter import Formatter\n\n\nclass Html(Formatter):\n"
        "    def format(self, tokens, out):\n        print(tokens)\n",
        fixed='import logging as _logging\n\nfrom pygments.formatter import Formatter\n\n_logger = _logging.getLogger(__name__)\n\n\nclass Html(Formatter):\n    def format(self, tokens, out):\n        _logger.info("%s", tokens)\n',
    ),
)
