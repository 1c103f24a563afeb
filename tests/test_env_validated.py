"""Validated environment reads, as `audit env` sees them: each recognised library, Python
(pydantic-settings, environs, django-environ, python-decouple) and JS/TS (zod, t3-env,
envalid, znv), with names, kinds, defaults, types, places and what is not recognised."""

from __future__ import annotations

import textwrap

from auditor.testing import run_rule
from rules.javascript.unvalidated_env import JsUnvalidatedEnv
from rules.python._env_inventory import python_env_reads

Row = tuple[str | None, int, int, str, str | None, str | None, str]


def py(code: str, path: str = "app/settings.py") -> list[Row]:
    reads = python_env_reads(path, textwrap.dedent(code), True)
    for read in reads:
        assert read.validated and read.settings_module == path and read.in_settings
    return [
        (r.name, r.location.line, r.location.column, r.kind, r.default, r.type, r.via)
        for r in reads
    ]


def js(code: str, path: str = "src/env.ts") -> list[tuple[object, ...]]:
    text = textwrap.dedent(code)
    reads = JsUnvalidatedEnv.env_reads(path, text, JsUnvalidatedEnv.OPTIONS)
    return [
        (r.name, r.location.line, r.location.column, r.kind, r.default, r.validated, r.type, r.via)
        for r in reads
    ]


# --- Python ------------------------------------------------------------------------------


def test_pydantic_settings_fields_prefix_aliases_and_types() -> None:
    code = """\
        from typing import Annotated, ClassVar
        from pydantic import AliasChoices, Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="shop_", env_file=".env")
            port: int = 8000
            debug: bool = False
            database_url: str
            sentry_dsn: str | None = None
            token: Annotated[str, Field(alias="API_TOKEN")]
            other: str = Field("x", validation_alias=AliasChoices("A1", "A2"))
            hosts: list[str] = Field(default_factory=list)
            timeout: float = Field(default=2.5)
            _cache: dict = {}
            VERSION: ClassVar[str] = "1"

        class Production(Settings):
            replicas: int = Field(...)
        """
    via = "pydantic-settings Settings."
    assert py(code) == [
        ("SHOP_PORT", 7, 5, "default", "8000", "int", via + "port"),
        ("SHOP_DEBUG", 8, 5, "default", "False", "bool", via + "debug"),
        ("SHOP_DATABASE_URL", 9, 5, "required", None, "str", via + "database_url"),
        ("SHOP_SENTRY_DSN", 10, 5, "optional", None, "str | None", via + "sentry_dsn"),
        ("API_TOKEN", 11, 5, "required", None, "str", via + "token"),
        ("A1", 12, 5, "default", "x", "str", via + "other"),
        ("A2", 12, 5, "default", "x", "str", via + "other"),
        ("SHOP_HOSTS", 13, 5, "default", None, "list[str]", via + "hosts"),
        ("SHOP_TIMEOUT", 14, 5, "default", "2.5", "float", via + "timeout"),
        ("SHOP_REPLICAS", 19, 5, "required", None, "int", "pydantic-settings Production.replicas"),
    ]


def test_pydantic_v1_config_class_and_case_sensitive_names() -> None:
    code = """\
        from pydantic import BaseSettings, Field

        class Settings(BaseSettings):
            redis_url: str
            key: str = Field(..., env="SECRET_KEY")

            class Config:
                env_prefix = "App_"
                case_sensitive = True

        class Plain(BaseSettings, env_prefix=PREFIX):
            name: str
        """
    assert py(code) == [
        ("App_redis_url", 4, 5, "required", None, "str", "pydantic-settings Settings.redis_url"),
        ("SECRET_KEY", 5, 5, "required", None, "str", "pydantic-settings Settings.key"),
        (None, 12, 5, "required", None, "str", "pydantic-settings Plain.name"),  # computed prefix
    ]


def test_a_class_that_is_not_settings_reads_nothing() -> None:
    code = """\
        from pydantic import BaseModel

        class BaseSettings:
            pass

        class Form(BaseModel):
            name: str

        class Local(BaseSettings):
            port: int = 1
        """
    assert py(code) == []


def test_environs_methods_defaults_and_prefixes() -> None:
    code = """\
        from environs import Env

        env = Env()
        env.read_env()
        PORT = env.int("PORT", 8000)
        DEBUG = env.bool("DEBUG", default=False)
        NAME = env("NAME")
        TAGS = env.list("TAGS", subcast=int)
        with env.prefixed("REDIS_"):
            HOST = env.str("HOST", None)
            with env.prefixed("X_"):
                DB = env.int("DB")
        OTHER = env.url(name)
        """
    assert py(code) == [
        ("PORT", 5, 8, "default", "8000", "int", "environs env.int()"),
        ("DEBUG", 6, 9, "default", "False", "bool", "environs env.bool()"),
        ("NAME", 7, 8, "required", None, "str", "environs env()"),
        ("TAGS", 8, 8, "required", None, "list", "environs env.list()"),
        ("REDIS_HOST", 10, 12, "optional", None, "str", "environs env.str()"),
        ("REDIS_X_DB", 12, 14, "required", None, "int", "environs env.int()"),
        (None, 13, 9, "required", None, "url", "environs env.url()"),
    ]


def test_django_environ_scheme_casts_and_url_parsers() -> None:
    code = """\
        import environ

        env = environ.Env(DEBUG=(bool, False), ALLOWED_HOSTS=(list, []), PORT=int)
        DEBUG = env("DEBUG")
        HOSTS = env("ALLOWED_HOSTS")
        PORT = env("PORT", default=8000)
        TIMEOUT = env("TIMEOUT", cast=float)
        SECRET = env.str("SECRET_KEY")
        DATABASES = {"default": env.db(), "replica": env.db_url("REPLICA_URL")}
        CACHES = {"default": env.cache()}
        """
    assert py(code) == [
        ("DEBUG", 4, 9, "default", "False", "bool", "django-environ env()"),
        ("ALLOWED_HOSTS", 5, 9, "default", None, "list", "django-environ env()"),
        ("PORT", 6, 8, "default", "8000", "int", "django-environ env()"),
        ("TIMEOUT", 7, 11, "required", None, "float", "django-environ env()"),
        ("SECRET_KEY", 8, 10, "required", None, "str", "django-environ env.str()"),
        ("DATABASE_URL", 9, 25, "required", None, "db_url", "django-environ env.db()"),
        ("REPLICA_URL", 9, 46, "required", None, "db_url", "django-environ env.db_url()"),
        ("CACHE_URL", 10, 22, "required", None, "cache_url", "django-environ env.cache()"),
    ]


def test_python_decouple_with_and_without_cast() -> None:
    code = """\
        from decouple import AutoConfig, Csv, config

        SECRET_KEY = config("SECRET_KEY")
        DEBUG = config("DEBUG", default=False, cast=bool)
        HOSTS = config("ALLOWED_HOSTS", cast=Csv())
        PAIR = config("PAIR", cast=Csv(post_process=tuple))
        NAME = config("NAME", "shop")
        local = AutoConfig(search_path="/srv")
        PORT = local("PORT", cast=int)
        """
    assert py(code) == [
        ("SECRET_KEY", 3, 14, "required", None, "str", "python-decouple config()"),
        ("DEBUG", 4, 9, "default", "False", "bool", "python-decouple config()"),
        ("ALLOWED_HOSTS", 5, 9, "required", None, "list", "python-decouple config()"),
        ("PAIR", 6, 8, "required", None, "tuple", "python-decouple config()"),
        ("NAME", 7, 8, "default", "shop", "str", "python-decouple config()"),
        ("PORT", 9, 8, "required", None, "int", "python-decouple local()"),
    ]
    module = 'import decouple\nX = decouple.config("X", cast=int)\n'
    assert py(module) == [("X", 2, 5, "required", None, "int", "python-decouple decouple.config()")]


def test_a_file_naming_no_validator_is_not_parsed() -> None:
    assert python_env_reads("x.py", "this is not python (\n", False) == ()


# --- JavaScript and TypeScript -----------------------------------------------------------


def test_t3_env_runtime_env_reads_and_undeclared_keys() -> None:
    code = """\
        import { createEnv } from "@t3-oss/env-nextjs";
        import { z } from "zod";

        export const env = createEnv({
          server: {
            DATABASE_URL: z.string().url(),
            PORT: z.coerce.number().default(3000),
            SECRET: z.string().transform((s) => s.trim()),
          },
          client: { NEXT_PUBLIC_API_URL: z.string().url().optional() },
          shared: { NODE_ENV: z.enum(["development", "production"]) },
          experimental__runtimeEnv: {
            NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL,
            NODE_ENV: process.env.NODE_ENV ?? "development",
          },
          skipValidation: !!process.env.SKIP_ENV_VALIDATION,
        });
        """
    via = "t3-env createEnv"
    assert js(code) == [
        ("DATABASE_URL", 6, 5, "required", None, True, "string", via),
        ("PORT", 7, 5, "default", "3000", True, "number", via),
        ("SECRET", 8, 5, "required", None, True, None, via),
        ("NEXT_PUBLIC_API_URL", 13, 26, "optional", None, True, "string", via),
        ("NODE_ENV", 14, 15, "default", "development", True, "enum", via),
        ("SKIP_ENV_VALIDATION", 16, 21, "optional", None, False, None, "process.env"),
    ]


def test_zod_schemas_through_a_const_extend_and_partial() -> None:
    code = """\
        import { z } from "zod";

        const base = z.object({ API_URL: z.string().url() }).extend({ RETRIES: z.coerce.number() });
        export const env = base.parse(process.env);
        const loose = z.object({ A: z.string(), B: z.boolean().catch(false) }).partial();
        export const other = loose.safeParse({ A: process.env.A, B: process.env.FLAG });
        """
    assert js(code) == [
        ("API_URL", 3, 25, "required", None, True, "string", "zod base.parse()"),
        ("RETRIES", 3, 63, "required", None, True, "number", "zod base.parse()"),
        ("A", 6, 43, "optional", None, True, "string", "zod loose.safeParse()"),
        ("FLAG", 6, 61, "default", "false", True, "boolean", "zod loose.safeParse()"),
    ]


def test_envalid_and_znv() -> None:
    envalid = """\
        import { bool, cleanEnv, port, str, url } from "envalid";

        export const env = cleanEnv(process.env, {
          API_URL: url(),
          PORT: port({ default: 8080 }),
          DEBUG: bool({ default: false, devDefault: true }),
          NAME: str({ devDefault: "dev" }),
        });
        """
    assert js(envalid) == [
        ("API_URL", 4, 3, "required", None, True, "string", "envalid cleanEnv"),
        ("PORT", 5, 3, "default", "8080", True, "number", "envalid cleanEnv"),
        ("DEBUG", 6, 3, "default", "false", True, "boolean", "envalid cleanEnv"),
        ("NAME", 7, 3, "required", None, True, "string", "envalid cleanEnv"),
    ]
    znv = """\
        import { parseEnv, port } from "znv";
        import { z } from "zod";

        export const { HOST, PORT } = parseEnv(process.env, {
          HOST: { schema: z.string().default("localhost"), description: "where" },
          PORT: z.number().int(),
        });
        """
    assert js(znv) == [
        ("HOST", 5, 3, "default", "localhost", True, "string", "znv parseEnv"),
        ("PORT", 6, 3, "required", None, True, "number", "znv parseEnv"),
    ]


def test_look_alikes_are_not_validators() -> None:
    code = """\
        import { createEnv } from "./local";
        import { cleanEnv } from "other";
        const z = { object: (o: object) => ({ parse: (v: object) => v }) };
        createEnv({ server: { A: 1 }, runtimeEnv: { A: process.env.A } });
        cleanEnv(process.env, { B: str() });
        z.object({ C: 1 }).parse({ C: process.env.C });
        JSON.parse(process.env.D ?? "{}");
        """
    assert js(code) == [
        ("A", 4, 48, "optional", None, False, None, "process.env"),
        ("C", 6, 31, "optional", None, False, None, "process.env"),
        ("D", 7, 12, "default", "{}", False, None, "process.env"),
    ]
    findings = run_rule(JsUnvalidatedEnv, textwrap.dedent(code), "src/app.ts")
    assert [(f.start.line, f.start.column) for f in findings] == [(4, 48), (6, 31), (7, 12)]


def test_holder_of_names_the_validated_object_for_a_raw_read() -> None:
    """The seam for project-wide facts: given every validated read of a project, what a
    raw read of a variable in any file bypasses."""
    from rules._env_message import holder_of

    reads = python_env_reads(
        "app/core/config.py",
        "from pydantic_settings import BaseSettings\n\n"
        "class Settings(BaseSettings):\n    port: int = 8000\n",
        True,
    )
    assert holder_of("PORT", reads, "app/core/config.py") == "Settings.port"
    assert holder_of("PORT", reads, "app/worker.py") == "Settings.port (app/core/config.py)"
    assert holder_of("HOST", reads, "app/worker.py") is None
    assert holder_of(None, reads, "app/worker.py") is None
