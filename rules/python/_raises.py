"""What a `try` body can raise, from a table of the calls and operations auditor knows:
bare-except's unsafe alternative names these exceptions instead of `Exception`.

The table lists, for each call or operation, the exceptions it raises when what it
attempts fails (bad input, a missing key, the network, the disk), not those of a
programming error (a TypeError from a wrong argument type, an AttributeError): a
handler that names them lets programming errors propagate, which is the point. `int()`
and `float()` list TypeError too, for the common `int(None)` of a missing value.

- Calls, by what their name resolves to through the module's imports (`import json`,
  `from json import loads`, `import json as j` all give `json.loads`):
  `int()`, `float()`, `complex()` -> ValueError, TypeError; `min()`, `max()` ->
  ValueError; `next(it)` -> StopIteration; `getattr(o, name)` -> AttributeError;
  `open()` -> OSError; `json.loads`/`json.load` -> json.JSONDecodeError;
  `json.dumps`/`json.dump` -> TypeError, ValueError; `os.*` and `shutil.*` -> OSError
  (but for `os.path`'s string functions, `os.getenv` and `shutil.which`, which raise
  nothing); `socket.*` -> OSError; `urllib.request.urlopen` -> OSError; `subprocess`'s
  runners -> subprocess.SubprocessError, OSError; `datetime`'s parsers, `uuid.UUID`,
  `base64`'s decoders -> ValueError; `importlib.import_module` -> ImportError;
  `yaml.safe_load`/`yaml.load` -> yaml.YAMLError; `requests.*` ->
  requests.RequestException; `httpx.*` -> httpx.HTTPError; `sqlalchemy.*` ->
  sqlalchemy.exc.SQLAlchemyError; builtins that only fail on a programming error
  (`len`, `str`, `isinstance`, `print`, ...), `logging` and `time` -> nothing.
- Methods, by the kind of object they are called on, known from the call, literal or
  annotation that made it (`r = redis.Redis()`, `with open(p) as f`, `db: Session`,
  `Path(p)`, `{}`): a redis client's -> redis.RedisError; a requests session's ->
  requests.RequestException, a response's `json()` -> ValueError and
  `raise_for_status()` -> requests.RequestException (httpx likewise with
  httpx.HTTPError); a SQLAlchemy engine's, connection's, session's or query's ->
  sqlalchemy.exc.SQLAlchemyError; a `pathlib.Path`'s I/O -> OSError (`read_text` also
  UnicodeDecodeError); a file's -> OSError (text reads also UnicodeDecodeError); a
  dict's `pop` -> KeyError; a list's `index`/`remove` -> ValueError, `pop` ->
  IndexError; a str's `index` -> ValueError; a logger's -> nothing.
- Operations: a subscript `d["key"]` (or any subscript of a dict, `os.environ`) ->
  KeyError; `items[0]` (or any subscript of a list, `sys.argv`) -> IndexError; any other
  subscript -> LookupError; `a / b`, `a // b`, `a % b` -> ZeroDivisionError; `raise E(...)`
  -> E; `assert` -> AssertionError; `import` -> ImportError; iterating a file -> OSError.
  Attribute access, comparisons and other arithmetic are not counted.

Anything else (a call of the project's own code, of an object of unknown kind, a `with`
of an unknown context manager, a `yield`, which lets the caller throw anything in, a
class body) makes the body unknown: no exceptions are named for it.
"""

from __future__ import annotations

# The exceptions a call raises, and the kind of object it returns (None: not tracked).
Effect = tuple[tuple[str, ...], str | None]
NOTHING: Effect = ((), None)
OS: Effect = (("OSError",), None)
VALUE: Effect = (("ValueError",), None)
_SQL: Effect = (("sqlalchemy.exc.SQLAlchemyError",), "sqlalchemy")
_TEXT_READ = ("OSError", "UnicodeDecodeError")


def _each(names: str, effect: Effect) -> dict[str, Effect]:
    return dict.fromkeys(names.split(), effect)


def _prefixed(prefix: str, names: str, effect: Effect) -> dict[str, Effect]:
    return {f"{prefix}{name}": effect for name in names.split()}


CALLS: dict[str, Effect] = {
    **_prefixed("builtins.", "int float complex", (("ValueError", "TypeError"), None)),
    **_prefixed("builtins.", "min max", VALUE),
    # Builtins that fail only on a programming error.
    **_prefixed(
        "builtins.",
        "abs all any bool bytes callable chr divmod enumerate filter format frozenset "
        "hasattr hash id isinstance issubclass iter len map ord print range reversed "
        "round set sum tuple type zip getattr next",
        NOTHING,
    ),
    "builtins.open": (("OSError",), "file"),
    **_prefixed("builtins.", "str repr", ((), "str")),
    "builtins.dict": ((), "dict"),
    **_prefixed("builtins.", "list sorted", ((), "list")),
    **_prefixed("json.", "loads load", (("json.JSONDecodeError",), None)),
    "json.dumps": (("TypeError", "ValueError"), "str"),
    "json.dump": (("TypeError", "ValueError"), None),
    **_prefixed("os.", "getenv environ.get getpid cpu_count fspath", NOTHING),
    **_prefixed(
        "os.path.",
        "abspath basename commonprefix dirname exists expanduser expandvars isabs isdir "
        "isfile islink join lexists normcase normpath relpath split splitext",
        NOTHING,
    ),
    **_prefixed("os.path.", "getsize getmtime getatime getctime samefile", OS),
    "shutil.which": NOTHING,
    **_prefixed("pathlib.", "Path PurePath PosixPath WindowsPath", ((), "path")),
    "urllib.request.urlopen": (("OSError",), "file"),
    "importlib.import_module": (("ImportError",), None),
    **_prefixed("datetime.datetime.", "strptime fromisoformat", VALUE),
    **_prefixed("datetime.", "date.fromisoformat time.fromisoformat", VALUE),
    "uuid.UUID": VALUE,
    **_prefixed("base64.", "b64decode urlsafe_b64decode b32decode b16decode", VALUE),
    **_prefixed("yaml.", "safe_load load", (("yaml.YAMLError",), None)),
    **_prefixed(
        "subprocess.",
        "run check_output check_call",
        (("subprocess.SubprocessError", "OSError"), None),
    ),
    **_prefixed("subprocess.", "call Popen", OS),
    "logging.getLogger": ((), "logger"),
    **_prefixed("requests.", "Session session", ((), "requests")),
    **_prefixed("httpx.", "Client AsyncClient", ((), "httpx")),
    "sqlalchemy.orm.sessionmaker": ((), "sqlalchemy-factory"),
    "sqlalchemy.ext.asyncio.async_sessionmaker": ((), "sqlalchemy-factory"),
    "sqlalchemy.orm.Session": ((), "sqlalchemy"),
    "sqlalchemy.ext.asyncio.AsyncSession": ((), "sqlalchemy"),
    # A client connects on its first command, not when it is made.
    **{
        f"{module}.{name}": ((), "redis")
        for module in ("redis", "redis.client", "redis.asyncio")
        for name in ("Redis", "StrictRedis", "from_url", "Redis.from_url", "StrictRedis.from_url")
    },
}

# Every other function of these modules (the first prefix that matches).
PREFIXES: tuple[tuple[str, Effect], ...] = (
    ("os.", OS),
    ("shutil.", OS),
    ("socket.", OS),
    ("logging.", NOTHING),
    ("time.", NOTHING),
    ("requests.", (("requests.RequestException",), "requests-response")),
    ("httpx.", (("httpx.HTTPError",), "httpx-response")),
    ("sqlalchemy.", _SQL),
)

# Methods by the kind of object they are called on; "*" is any other method.
METHODS: dict[str, dict[str, Effect]] = {
    "redis": {"pipeline": (("redis.RedisError",), "redis"), "*": (("redis.RedisError",), None)},
    "requests": {"close": NOTHING, "*": (("requests.RequestException",), "requests-response")},
    "requests-response": {
        "json": VALUE,
        **_each("raise_for_status iter_content iter_lines", (("requests.RequestException",), None)),
        "close": NOTHING,
    },
    "httpx": {"close": NOTHING, "*": (("httpx.HTTPError",), "httpx-response")},
    "httpx-response": {
        "json": VALUE,
        **_each("raise_for_status read aread", (("httpx.HTTPError",), None)),
        "close": NOTHING,
    },
    "sqlalchemy": {
        # What returns rows and values rather than another SQLAlchemy object.
        **_each(
            "all first one one_or_none scalar scalar_one scalar_one_or_none fetchall "
            "fetchone fetchmany count",
            (_SQL[0], None),
        ),
        "*": _SQL,
    },
    "sqlalchemy-factory": {},
    "path": {
        **_each("exists is_file is_dir is_symlink is_absolute as_posix match", NOTHING),
        **_each("with_suffix with_name with_stem joinpath absolute expanduser", ((), "path")),
        "relative_to": (("ValueError",), "path"),
        "resolve": (("OSError",), "path"),
        "read_text": (_TEXT_READ, "str"),
        "open": (("OSError",), "file"),
        **_each(
            "read_bytes write_text write_bytes mkdir unlink rmdir rename replace touch stat "
            "lstat iterdir glob rglob chmod symlink_to hardlink_to readlink samefile owner "
            "group",
            OS,
        ),
    },
    "file": {**_each("read readline readlines", (_TEXT_READ, None)), "*": OS},
    "dict": {
        **_each("get keys values items setdefault update copy clear", NOTHING),
        **_each("pop popitem", (("KeyError",), None)),
    },
    "list": {
        **_each("append extend insert copy count clear reverse", NOTHING),
        **_each("index remove", VALUE),
        "pop": (("IndexError",), None),
    },
    "str": {
        **_each(
            "strip lstrip rstrip lower upper casefold title capitalize replace zfill ljust "
            "rjust center removeprefix removesuffix",
            ((), "str"),
        ),
        **_each("split rsplit splitlines partition rpartition", ((), "list")),
        **_each(
            "startswith endswith find rfind count isdigit isalpha isalnum isspace isnumeric "
            "isdecimal",
            NOTHING,
        ),
        **_each("index rindex", VALUE),
        "encode": (("UnicodeEncodeError",), None),
    },
    "logger": _each("debug info warning error exception critical log", NOTHING),
}
# Objects a `with` may enter and exit without running unknown code.
CONTEXT_KINDS = frozenset(
    {"file", "requests", "requests-response", "httpx", "httpx-response", "redis", "sqlalchemy"}
)
# Attributes whose kind is known, by the kind of their object.
ATTRIBUTES: dict[str, dict[str, str]] = {
    "path": {"parent": "path", "name": "str", "stem": "str", "suffix": "str"},
    "requests-response": {"text": "str", "headers": "dict"},
    "httpx-response": {"text": "str", "headers": "dict"},
}
MODULE_VALUES = {"os.environ": "dict", "sys.argv": "list"}
# Parameter annotations.
ANNOTATIONS = {
    "pathlib.Path": "path",
    "logging.Logger": "logger",
    "requests.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "redis.Redis": "redis",
    "redis.asyncio.Redis": "redis",
    "sqlalchemy.orm.Session": "sqlalchemy",
    "sqlalchemy.orm.session.Session": "sqlalchemy",
    "sqlalchemy.ext.asyncio.AsyncSession": "sqlalchemy",
    "sqlalchemy.engine.Engine": "sqlalchemy",
    "sqlalchemy.engine.Connection": "sqlalchemy",
}
# A listed exception that is a subclass of another listed one is left out.
PARENTS = {
    "json.JSONDecodeError": "ValueError",
    "UnicodeDecodeError": "ValueError",
    "UnicodeEncodeError": "ValueError",
    "KeyError": "LookupError",
    "IndexError": "LookupError",
}
# With one argument: AttributeError, StopIteration; with a default, nothing.
WITHOUT_DEFAULT = {"builtins.getattr": (2, "AttributeError"), "builtins.next": (1, "StopIteration")}
