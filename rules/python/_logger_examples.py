"""console-logging's examples of the logger the fix uses and where it binds it: the
module's own, one bound anew, and the project's logger (`_logger_discovery`). The harness
runs them with the rule's."""

from __future__ import annotations

from auditor.plugins import Invalid

# The logger the fix uses and where it is bound, as console-logging's examples: the
# harness runs them with the rule's.
BINDING_EXAMPLES = (
    # An existing module logger is reused, whatever it is called and however
    # getLogger is imported.
    Invalid(
        """
            import logging

            log = logging.getLogger("shop.cart")


            def add(item):
                print("adding", item)
            """,
        fixed="""
            import logging

            log = logging.getLogger("shop.cart")


            def add(item):
                log.info("adding %s", item)
            """,
    ),
    Invalid(
        "from logging import getLogger\n\nLOG = getLogger(__name__)\n\n\n"
        "def f():\n    print('x')\n",
        fixed="from logging import getLogger\n\nLOG = getLogger(__name__)\n\n\n"
        "def f():\n    LOG.info('x')\n",
    ),
    # An import of logging (or of getLogger) is reused for a new binding.
    Invalid(
        "import logging as lg\n\n\ndef f():\n    print('x')\n",
        fixed=(
            "import logging as lg\n\n_logger = lg.getLogger(__name__)\n\n\ndef f():\n"
            "    _logger.info('x')\n"
        ),
    ),
    # `logger` is taken (a parameter somewhere): another name.
    Invalid(
        """
            import logging


            def configure(logger):
                logger.setLevel(logging.INFO)


            def run():
                print("running")
            """,
        fixed="""
            import logging

            _logger = logging.getLogger(__name__)


            def configure(logger):
                logger.setLevel(logging.INFO)


            def run():
                _logger.info("running")
            """,
    ),
    # `logging` means something else at module level: import it under another name.
    Invalid(
        "from shop import logging\n\n\ndef f():\n    print('x')\n",
        fixed=(
            "import logging as _logging\n\nfrom shop import logging\n\n_logger = _logging.getLogger(__name__)\n\n\ndef f():\n    _logger.info('x')\n"
        ),
    ),
    # `import logging` only inside a function is not a module-level import.
    Invalid(
        "def f():\n    import logging\n\n    print('x')\n",
        fixed=(
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n\ndef f():\n    import logging\n\n    _logger.info('x')\n"
        ),
    ),
    # The docstring and `from __future__` imports stay first.
    Invalid(
        '"""Cart totals."""\n\nfrom __future__ import annotations\n\nprint("cart module loaded")\n',
        fixed=(
            '"""Cart totals."""\n\nfrom __future__ import annotations\n\n'
            "import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n"
            '_logger.info("cart module loaded")\n'
        ),
        line=5,
    ),
    # A print that runs before the last import must see the binding.
    Invalid(
        "import os\nprint('starting')\nimport sys\n",
        fixed=(
            "import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n_logger.info('starting')\nimport sys\n"
        ),
    ),
    # So must a function called at import time.
    Invalid(
        "import os\n\ndef setup():\n    print('setup')\n\nsetup()\nimport sys\n",
        fixed=(
            "import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n\ndef setup():\n    _logger.info('setup')\n\nsetup()\nimport sys\n"
        ),
    ),
    # An existing logger bound after code that may print at import time is not
    # usable there; the message says how to make it so.
    Invalid(
        "import logging\n\ndef setup():\n    print('setup')\n\nsetup()\n"
        "log = logging.getLogger(__name__)\n",
    ),
    Invalid(
        """
            import logging

            try:
                import numpy
            except ImportError:
                print("numpy is missing")
            log = logging.getLogger(__name__)


            def f():
                print("x")
            """,
        fixed="""
            import logging

            try:
                import numpy
            except ImportError:
                print("numpy is missing")
            log = logging.getLogger(__name__)


            def f():
                log.info("x")
            """,
        line=6,
        count=2,
    ),
    # The fixed call's `log` would be the parameter: no fix there, a fix elsewhere.
    Invalid(
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def f(log):\n    print('a')\n\n\ndef g():\n    print('b')\n",
        fixed="import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def f(log):\n    print('a')\n\n\ndef g():\n    log.info('b')\n",
        line=7,
        count=2,
    ),
    # The module's own logger is preferred to one named for something else; several
    # others and none of its own: a new one.
    Invalid(
        "import logging\n\naccess_log = logging.getLogger('myapp.access')\n"
        "log = logging.getLogger(__name__)\n\n\ndef f():\n    print('x')\n",
        fixed="import logging\n\naccess_log = logging.getLogger('myapp.access')\n"
        "log = logging.getLogger(__name__)\n\n\ndef f():\n    log.info('x')\n",
    ),
    Invalid(
        "import logging\n\na = logging.getLogger('a')\nb = logging.getLogger('b')\n\n\n"
        "def f():\n    print('x')\n",
        fixed="import logging\n\n_logger = logging.getLogger(__name__)\n\n"
        "a = logging.getLogger('a')\nb = logging.getLogger('b')\n\n\n"
        "def f():\n    _logger.info('x')\n",
    ),
    # With an `__all__`, `import *` takes only what it lists: public names are safe.
    Invalid(
        "__all__ = ['f']\n\n\ndef f():\n    print('x')\n",
        fixed="import logging\n\nlogger = logging.getLogger(__name__)\n__all__ = ['f']\n\n\n"
        "def f():\n    logger.info('x')\n",
    ),
    # A copy of a module that logging imports: importing logging there is circular.
    Invalid("import sys\n\n\ndef f():\n    print('x')\n", path="Lib/os.py"),
    Invalid("def f():\n    print('x')\n", path="vendor/stdlib/re/_parser.py"),
)

_PACKAGE = {"app/__init__.py": ""}
_STDLIB_LOGGER = 'import logging\n\nlogger = logging.getLogger("app")\n'
_FACTORY = (
    "import logging\n\n\ndef get_logger(name):\n"
    '    log = logging.getLogger(f"app.{name}")\n    log.setLevel(logging.INFO)\n'
    "    return log\n"
)

# Built by a function of the module's own, as glances' `logger = glances_logger()`.
_BUILT = (
    "import logging\n\n\ndef app_logger():\n    log = logging.getLogger()\n"
    "    log.setLevel(logging.INFO)\n    return log\n\n\nlogger = app_logger()\n"
)

_OWN_CLASS = (
    "class AppLogger:\n    def warn(self, msg, *args):\n        pass\n\n"
    "    def error(self, msg, *args):\n        pass\n\n\nlogger = AppLogger()\n"
)

# The project's logger (rules/python/_logger_discovery.py), in its own shape.
PROJECT_EXAMPLES = (
    # A module found by name (the standard library's logger): imported where isort puts
    # it, the call in `%` style.
    Invalid(
        """
        from app.utils import money


        def total(order):
            print("total", money.cents(order.total))
        """,
        fixed="""
        from app.utils import money
        from app.utils.logger import logger


        def total(order):
            logger.info("total %s", money.cents(order.total))
        """,
        path="app/orders.py",
        files={**_PACKAGE, "app/utils/__init__.py": "", "app/utils/logger.py": _STDLIB_LOGGER},
    ),
    # No section imports from the logger's package, and the module has relative imports:
    # a section of its own above them (isort puts first-party before local imports).
    Invalid(
        "import os\n\nfrom .models import User\n\n\n"
        "def total(order):\n    print('total', os.sep, User)\n",
        fixed="import os\n\nfrom app.utils.logger import logger\n\nfrom .models import User\n\n\n"
        "def total(order):\n    logger.info('total %s %s', os.sep, User)\n",
        path="app/orders.py",
        files={
            **_PACKAGE,
            "app/models.py": "class User:\n    pass\n",
            "app/utils/__init__.py": "",
            "app/utils/logger.py": _STDLIB_LOGGER,
        },
    ),
    # The logger module imported from already: its name joins that line, wrapped as
    # isort wraps it past 88 characters.
    Invalid(
        "from app.log import configure_the_worker_process_handlers, silence_the_noisy_third_party_loggers\n\n"
        "configure_the_worker_process_handlers()\nsilence_the_noisy_third_party_loggers()\n\n\n"
        "def run(job):\n    print('running', job)\n",
        fixed="from app.log import (\n    configure_the_worker_process_handlers,\n    logger,\n"
        "    silence_the_noisy_third_party_loggers,\n)\n\n"
        "configure_the_worker_process_handlers()\nsilence_the_noisy_third_party_loggers()\n\n\n"
        "def run(job):\n    logger.info('running %s', job)\n",
        path="app/worker.py",
        files={
            **_PACKAGE,
            "app/log.py": _STDLIB_LOGGER
            + "\n\ndef configure_the_worker_process_handlers():\n    pass\n"
            + "\n\ndef silence_the_noisy_third_party_loggers():\n    pass\n",
        },
    ),
    # A logger bound by a call of the module's own function: the object is imported.
    Invalid(
        "def scan(path):\n    print('scanning', path)\n",
        fixed="from app.logger import logger\n\n\ndef scan(path):\n"
        "    logger.info('scanning %s', path)\n",
        path="app/scan.py",
        files={**_PACKAGE, "app/logger.py": _BUILT},
    ),
    # A module the logger module imports (here through another) cannot import it back:
    # the import would be circular, so the module gets a logger of its own.
    Invalid(
        "def ensure(path):\n    print('creating', path)\n",
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n\n"
        "def ensure(path):\n    _logger.info('creating %s', path)\n",
        path="app/files.py",
        files={
            **_PACKAGE,
            "app/logger.py": "from app import paths\n\n" + _BUILT,
            "app/paths.py": "from .files import ensure\n",
        },
    ),
    # structlog's: an event and keyword values; a new first-party section.
    Invalid(
        """
        import os


        def run(job):
            print("running job", job.id, "in", os.getcwd())
            print(f"job failed: {job.error!r}")
        """,
        fixed="""
        import os

        from app.log import logger


        def run(job):
            logger.info("running job in", job_id=job.id, getcwd=os.getcwd())
            logger.info("job failed", job_error=job.error)
        """,
        path="app/jobs.py",
        count=2,
        files={**_PACKAGE, "app/log.py": "import structlog\n\nlogger = structlog.get_logger()\n"},
    ),
    # loguru's (re-exported by the project): `{}` arguments, literal braces doubled.
    Invalid(
        """
        from app.core import config


        def start():
            print(f"listening on {config.PORT} ({config.HOST!r}) {{ok}}")
        """,
        fixed="""
        from app.core import config
        from app.core.logging import logger


        def start():
            logger.info("listening on {} ({!r}) {{ok}}", config.PORT, config.HOST)
        """,
        path="app/api.py",
        files={
            **_PACKAGE,
            "app/core/__init__.py": "",
            "app/core/logging.py": 'from loguru import logger\n\nlogger.add("app.log")\n',
        },
    ),
    # `logger-import` names a factory: each module binds its own logger with it; a print
    # of personal data is logged without it (pii-logging's vocabulary).
    Invalid(
        """
        def login(user):
            print("login", user.email, user.id)
        """,
        fixed="""
        from app.log import get_logger

        _logger = get_logger(__name__)


        def login(user):
            _logger.info("login [redacted: email] %s", user.id)
        """,
        path="app/auth.py",
        options={"logger-import": "from app.log import get_logger"},
        files={**_PACKAGE, "app/log.py": _FACTORY},
    ),
    # ...with the binding it wants, as written in the option.
    Invalid(
        "import sys\n\n\ndef fail(why):\n    print('failed:', why, file=sys.stderr)\n",
        fixed="import sys\n\nfrom app.log import get_logger\n\nlog = get_logger('app.auth')\n\n\n"
        "def fail(why):\n    log.error('failed: %s', why)\n",
        path="app/auth.py",
        options={"logger-import": "from app.log import get_logger; log = get_logger('app.auth')"},
        files={**_PACKAGE, "app/log.py": _FACTORY},
    ),
    # A module the option names that does not resolve: `logging.getLogger(__name__)`, and
    # the fix says why. A logger module the file cannot import (another import root, none
    # of whose packages the file imports) is not used either.
    Invalid(
        "def f():\n    print('x')\n",
        fixed="import logging as _logging\n\n_logger = _logging.getLogger(__name__)\n\n\n"
        "def f():\n    _logger.info('x')\n",
        path="app/cart.py",
        options={"logger-import": "from app.missing import logger"},
        files=_PACKAGE,
    ),
    Invalid(
        "import os\n\nprint(os.getcwd())\n",
        fixed="import logging as _logging\nimport os\n\n_logger = _logging.getLogger(__name__)\n\n"
        '_logger.info("%s", os.getcwd())\n',
        path="scripts/seed.py",
        files={"backend/app/__init__.py": "", "backend/app/logger.py": _STDLIB_LOGGER},
    ),
    # The project's logger imported already is reused; a logger of the module's own
    # (here loguru's) comes first.
    Invalid(
        "from app.logger import logger\n\n\ndef f(x):\n    print(x)\n",
        fixed='from app.logger import logger\n\n\ndef f(x):\n    logger.info("%s", x)\n',
        path="app/cart.py",
        files={**_PACKAGE, "app/logger.py": _STDLIB_LOGGER},
    ),
    # A logger of a class of the project's: the method it has for the level (`warning`
    # is its `warn`), and no fix where it has none (`info`).
    Invalid(
        "import sys\n\n\ndef f():\n    print('x', file=sys.stderr)\n    print('y')\n",
        fixed="import sys\n\nfrom app.log import logger\n\n\ndef f():\n    logger.warn('x')\n    print('y')\n",
        path="app/cart.py",
        count=2,
        options={"stderr-level": "warning"},
        files={**_PACKAGE, "app/log.py": _OWN_CLASS},
    ),
    Invalid(
        "from loguru import logger\n\n\ndef f(x, y):\n    print(x, y)\n",
        fixed='from loguru import logger\n\n\ndef f(x, y):\n    logger.info("{} {}", x, y)\n',
        path="app/cart.py",
        files={**_PACKAGE, "app/logger.py": _STDLIB_LOGGER},
    ),
)
