"""bare-except's examples of what its unsafe alternative names for operations, and of
where it offers none (the body does something the table does not know, a name cannot be
written) or gives no log line."""

from __future__ import annotations

from auditor.plugins import Invalid

LIMIT_EXAMPLES = (
    # `break` ends the loop the expected way: no log line. `list(...)` makes a list, whose
    # pop() raises IndexError.
    Invalid(
        """
        def drain(stack):
            items = list(stack)
            while True:
                try:
                    items.pop()
                except:
                    break
        """,
        fixed="""
        def drain(stack):
            items = list(stack)
            while True:
                try:
                    items.pop()
                except Exception:
                    break
        """,
        unsafe_fixed="""
        def drain(stack):
            items = list(stack)
            while True:
                try:
                    items.pop()
                except IndexError:
                    break
        """,
    ),
    # File I/O: OSError, and a text read UnicodeDecodeError.
    Invalid(
        """
        from pathlib import Path


        def first_line(path: Path):
            try:
                with open(path) as handle:
                    return handle.readline()
            except:
                return ""
        """,
        fixed="""
        from pathlib import Path


        def first_line(path: Path):
            try:
                with open(path) as handle:
                    return handle.readline()
            except Exception:
                return ""
        """,
        unsafe_fixed="""
        from pathlib import Path


        def first_line(path: Path):
            try:
                with open(path) as handle:
                    return handle.readline()
            except (OSError, UnicodeDecodeError):
                return ""
        """,
    ),
    # At module level, before the logger could be bound (a new binding goes after
    # `import sys`): the handler is narrowed but not given a log line.
    Invalid(
        """
        import os

        try:
            os.remove("stale.pid")
        except:
            pass
        import sys
        """,
        fixed="""
        import os

        try:
            os.remove("stale.pid")
        except Exception:
            pass
        import sys
        """,
        unsafe_fixed="""
        import os

        try:
            os.remove("stale.pid")
        except OSError:
            pass
        import sys
        """,
    ),
    # `json` is a variable of the module: `json.JSONDecodeError` cannot be written, no
    # alternative.
    Invalid(
        """
        from json import loads

        json = "data.json"


        def parse(text):
            try:
                return loads(text)
            except:
                return None
        """,
        fixed="""
        from json import loads

        json = "data.json"


        def parse(text):
            try:
                return loads(text)
            except Exception:
                return None
        """,
    ),
    # A list index and a division.
    Invalid(
        """
        def ratio(items, total):
            try:
                return items[0] / total
            except:
                return 0
        """,
        fixed="""
        def ratio(items, total):
            try:
                return items[0] / total
            except Exception:
                return 0
        """,
        unsafe_fixed="""
        def ratio(items, total):
            try:
                return items[0] / total
            except (IndexError, ZeroDivisionError):
                return 0
        """,
    ),
    # A `yield` in the body: the caller may throw anything in; no alternative.
    Invalid(
        """
        def numbers(lines):
            try:
                for line in lines:
                    yield int(line)
            except:
                pass
        """,
        fixed="""
        def numbers(lines):
            try:
                for line in lines:
                    yield int(line)
            except Exception:
                pass
        """,
    ),
    # A `with` of an unknown context manager runs code the table does not know.
    Invalid(
        """
        import threading

        lock = threading.Lock()


        def bump(counts, key):
            try:
                with lock:
                    counts[key] += 1
            except:
                pass
        """,
        fixed="""
        import threading

        lock = threading.Lock()


        def bump(counts, key):
            try:
                with lock:
                    counts[key] += 1
            except Exception:
                pass
        """,
    ),
    # A class of the module raised in the body is named as it is written.
    Invalid(
        """
        class NotFound(Exception):
            pass


        def find(items, key):
            try:
                if key not in items:
                    raise NotFound(key)
                return int(items[key])
            except:
                return None
        """,
        fixed="""
        class NotFound(Exception):
            pass


        def find(items, key):
            try:
                if key not in items:
                    raise NotFound(key)
                return int(items[key])
            except Exception:
                return None
        """,
        unsafe_fixed="""
        import logging as _logging

        _logger = _logging.getLogger(__name__)


        class NotFound(Exception):
            pass


        def find(items, key):
            try:
                if key not in items:
                    raise NotFound(key)
                return int(items[key])
            except (NotFound, LookupError, ValueError, TypeError):
                _logger.exception("ignored error in find")
                return None
        """,
    ),
    # Not silent (it sets a default): no log line.
    Invalid(
        """
        import os

        try:
            PORT = int(os.environ["PORT"])
        except:
            PORT = 8000
        """,
        fixed="""
        import os

        try:
            PORT = int(os.environ["PORT"])
        except Exception:
            PORT = 8000
        """,
        unsafe_fixed="""
        import os

        try:
            PORT = int(os.environ["PORT"])
        except (KeyError, ValueError, TypeError):
            PORT = 8000
        """,
    ),
    # An earlier handler catches ValueError: the alternative names what is left.
    Invalid(
        """
        def parse(x):
            try:
                return int(x)
            except ValueError:
                return 0
            except:
                return None
        """,
        fixed="""
        def parse(x):
            try:
                return int(x)
            except ValueError:
                return 0
            except Exception:
                return None
        """,
        unsafe_fixed="""
        import logging as _logging

        _logger = _logging.getLogger(__name__)


        def parse(x):
            try:
                return int(x)
            except ValueError:
                return 0
            except TypeError:
                _logger.exception("ignored error in parse")
                return None
        """,
    ),
    # `import` raises ImportError.
    Invalid(
        """
        try:
            import yaml
        except:
            yaml = None
        """,
        fixed="""
        try:
            import yaml
        except Exception:
            yaml = None
        """,
        unsafe_fixed="""
        try:
            import yaml
        except ImportError:
            yaml = None
        """,
    ),
)
