"""bare-except's examples of its unsafe alternative: the exceptions the `try` body raises,
named as the module can write them (an import added where isort puts it), and a log line
in a handler that was silent. Where no `unsafe_fixed` is given, no alternative is offered
(the harness checks it)."""

from __future__ import annotations

from auditor.plugins import Invalid
from rules.python._narrowing_limits import LIMIT_EXAMPLES

NARROWING_EXAMPLES = (
    # A silent handler logs on the project's logger (console-logging's discovery: here
    # app/logger.py), imported where isort puts it.
    Invalid(
        """
        import json


        def load(text):
            try:
                return json.loads(text)
            except:
                pass
        """,
        fixed="""
        import json


        def load(text):
            try:
                return json.loads(text)
            except Exception:
                pass
        """,
        unsafe_fixed="""
        import json

        from app.logger import logger


        def load(text):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                logger.exception("ignored error in load")
        """,
        path="app/cache.py",
        files={
            "app/__init__.py": "",
            "app/logger.py": "import logging\n\nlogger = logging.getLogger('app')\n",
        },
    ),
    # `json.loads` raises json.JSONDecodeError, named through the module's `import json`.
    # The handler swallowed the error silently: it logs it, on a logger bound as
    # console-logging's fix binds one, its import sorted where isort puts it.
    Invalid(
        """
        import json


        def load(text):
            try:
                return json.loads(text)
            except:
                return None
        """,
        fixed="""
        import json


        def load(text):
            try:
                return json.loads(text)
            except Exception:
                return None
        """,
        unsafe_fixed="""
        import json
        import logging as _logging

        _logger = _logging.getLogger(__name__)


        def load(text):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                _logger.exception("ignored error in load")
                return None
        """,
    ),
    # `from json import loads`: `json.JSONDecodeError` needs `import json`, added to the
    # standard-library section; a string key is a dict lookup: KeyError. A one-line
    # `except: pass` becomes a block, the log line in place of `pass`.
    Invalid(
        """
        from json import loads


        def parse(text):
            try:
                return loads(text)["id"]
            except: pass
        """,
        fixed="""
        from json import loads


        def parse(text):
            try:
                return loads(text)["id"]
            except Exception: pass
        """,
        unsafe_fixed="""
        import json
        import logging as _logging
        from json import loads

        _logger = _logging.getLogger(__name__)


        def parse(text):
            try:
                return loads(text)["id"]
            except (json.JSONDecodeError, KeyError):
                _logger.exception("ignored error in parse")
        """,
    ),
    # A redis client's commands raise redis.RedisError; the module's logger is reused.
    Invalid(
        """
        import logging

        import redis

        log = logging.getLogger(__name__)
        cache = redis.Redis()


        def warm(keys):
            for key in keys:
                try:
                    cache.get(key)
                except:
                    continue
        """,
        fixed="""
        import logging

        import redis

        log = logging.getLogger(__name__)
        cache = redis.Redis()


        def warm(keys):
            for key in keys:
                try:
                    cache.get(key)
                except Exception:
                    continue
        """,
        unsafe_fixed="""
        import logging

        import redis

        log = logging.getLogger(__name__)
        cache = redis.Redis()


        def warm(keys):
            for key in keys:
                try:
                    cache.get(key)
                except redis.RedisError:
                    log.exception("ignored error in warm")
                    continue
        """,
    ),
    # `from requests import get`: `import requests` joins the requests section, and
    # `import logging` the standard library's; a response's json() raises ValueError.
    Invalid(
        """
        import os
        import sys

        from requests import get


        def fetch(url):
            try:
                return get(url, timeout=5).json()
            except:
                return None
        """,
        fixed="""
        import os
        import sys

        from requests import get


        def fetch(url):
            try:
                return get(url, timeout=5).json()
            except Exception:
                return None
        """,
        unsafe_fixed="""
        import logging as _logging
        import os
        import sys

        import requests
        from requests import get

        _logger = _logging.getLogger(__name__)


        def fetch(url):
            try:
                return get(url, timeout=5).json()
            except (requests.RequestException, ValueError):
                _logger.exception("ignored error in fetch")
                return None
        """,
    ),
    # A SQLAlchemy session (by its annotation): sqlalchemy.exc.SQLAlchemyError, through a
    # new `import sqlalchemy.exc` sorted into the sqlalchemy section. The comment stays.
    Invalid(
        """
        import logging

        from sqlalchemy.orm import Session

        log = logging.getLogger(__name__)


        def save(db: Session, item):
            try:
                db.add(item)
                db.commit()
            except:  # keep going
                pass
        """,
        fixed="""
        import logging

        from sqlalchemy.orm import Session

        log = logging.getLogger(__name__)


        def save(db: Session, item):
            try:
                db.add(item)
                db.commit()
            except Exception:  # keep going
                pass
        """,
        unsafe_fixed="""
        import logging

        import sqlalchemy.exc
        from sqlalchemy.orm import Session

        log = logging.getLogger(__name__)


        def save(db: Session, item):
            try:
                db.add(item)
                db.commit()
            except sqlalchemy.exc.SQLAlchemyError:  # keep going
                log.exception("ignored error in save")
        """,
    ),
    # With an `__all__`, the new logger and the logging import are public names.
    Invalid(
        """
        import httpx

        __all__ = ["fetch"]


        async def fetch(url):
            async with httpx.AsyncClient() as client:
                try:
                    response = await client.get(url)
                    response.raise_for_status()
                    return response.json()
                except:
                    return None
        """,
        fixed="""
        import httpx

        __all__ = ["fetch"]


        async def fetch(url):
            async with httpx.AsyncClient() as client:
                try:
                    response = await client.get(url)
                    response.raise_for_status()
                    return response.json()
                except Exception:
                    return None
        """,
        unsafe_fixed="""
        import logging

        import httpx

        logger = logging.getLogger(__name__)

        __all__ = ["fetch"]


        async def fetch(url):
            async with httpx.AsyncClient() as client:
                try:
                    response = await client.get(url)
                    response.raise_for_status()
                    return response.json()
                except (httpx.HTTPError, ValueError):
                    logger.exception("ignored error in fetch")
                    return None
        """,
    ),
    # No standard-library section yet: `import logging` starts one, above the others; the
    # comment over the requests section stays there.
    Invalid(
        """
        '''Fetching.'''

        # third party
        import requests


        def fetch(url):
            try:
                return requests.get(url).json()
            except:
                return None
        """,
        fixed="""
        '''Fetching.'''

        # third party
        import requests


        def fetch(url):
            try:
                return requests.get(url).json()
            except Exception:
                return None
        """,
        unsafe_fixed="""
        '''Fetching.'''

        import logging as _logging

        # third party
        import requests

        _logger = _logging.getLogger(__name__)


        def fetch(url):
            try:
                return requests.get(url).json()
            except (requests.RequestException, ValueError):
                _logger.exception("ignored error in fetch")
                return None
        """,
    ),
    *LIMIT_EXAMPLES,
)
