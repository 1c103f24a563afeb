"""The names by which validating libraries are recognised: pydantic-settings' base
classes, environs' and django-environ's `Env` and their parser methods, python-decouple."""

from __future__ import annotations

BASE_SETTINGS = frozenset(
    {
        "pydantic_settings.BaseSettings",
        "pydantic_settings.main.BaseSettings",
        "pydantic.BaseSettings",
        "pydantic.env_settings.BaseSettings",
        "pydantic.v1.BaseSettings",
    }
)
ENV_CLASSES = {
    "environs.Env": "environs",
    "environs.env": "environs",  # environs' ready-made instance
    "environ.Env": "django-environ",
    "environ.environ.Env": "django-environ",
}
DECOUPLE = frozenset({"decouple.config"})
DECOUPLE_CLASSES = frozenset({"decouple.AutoConfig", "decouple.Config"})

# Parser methods and the type each gives; `db` and the other URL parsers of
# django-environ read a variable of their own when given none.
ENVIRONS_TYPES = {
    "str": "str", "int": "int", "bool": "bool", "float": "float", "decimal": "decimal",
    "list": "list", "dict": "dict", "json": "json", "datetime": "datetime", "date": "date",
    "time": "time", "timedelta": "timedelta", "url": "url", "uuid": "uuid", "path": "path",
    "log_level": "log_level", "enum": "enum", "dj_db_url": "db_url",
    "dj_email_url": "email_url", "dj_cache_url": "cache_url",
}  # fmt: skip
DJANGO_TYPES = {
    "str": "str", "bool": "bool", "int": "int", "float": "float", "json": "json",
    "list": "list", "tuple": "tuple", "dict": "dict", "url": "url", "path": "path",
    "bytes": "bytes", "db_url": "db_url", "db": "db_url", "cache_url": "cache_url",
    "cache": "cache_url", "email_url": "email_url", "email": "email_url",
    "search_url": "search_url", "channels_url": "channels_url", "channels": "channels_url",
}  # fmt: skip
DJANGO_DEFAULT_VARS = {
    "db_url": "DATABASE_URL",
    "cache_url": "CACHE_URL",
    "email_url": "EMAIL_URL",
    "search_url": "SEARCH_URL",
    "channels_url": "CHANNELS_URL",
}
METHODS = frozenset(ENVIRONS_TYPES) | frozenset(DJANGO_TYPES)
DJANGO_CAST_FIRST = frozenset({"__call__", "list", "tuple", "dict"})
