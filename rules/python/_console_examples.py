"""console-logging (Python): the rule's examples, run by the shared harness."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid
from rules.python._logger_examples import BINDING_EXAMPLES, PROJECT_EXAMPLES
from rules.python._print_call import CALL_EXAMPLES

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
