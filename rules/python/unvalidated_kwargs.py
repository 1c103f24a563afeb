"""unvalidated-kwargs: mass assignment through a public function's `**kwargs`."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace

from auditor.plugins import AstIndex, Fixed, FixTarget, Offer, RuleContext, Severity, Span
from rules._docs import rule_url
from rules.python._kwargs_ast_flow import analyse, stored_sinks
from rules.python._kwargs_ast_plan import FixContext, Plan, plan_fix
from rules.python._kwargs_ast_rule import KwargsRule
from rules.python._kwargs_ast_sinks import LazyNames, Sink, Sinks, Store
from rules.python._kwargs_ast_syntax import Function, names_class
from rules.python._kwargs_deps import DEPENDENCY_FILES, depends_on_pydantic, union_syntax
from rules.python._kwargs_examples import INVALID, VALID
from rules.python._kwargs_fix_examples import FIX_INVALID
from rules.python._kwargs_fix_lineage_examples import FIX_LINEAGE_INVALID
from rules.python._kwargs_models import (
    MODEL_MODULES,
    ModelClass,
    first_party,
    imported_models,
    imports_of,
    local_models,
)
from rules.python._kwargs_prefilter import kwargs_functions, may_mass_assign

ADVICE = (
    "accept only known keys first (an allow-list check, `**kwargs: Unpack[TypedDict]`, "
    "or a pydantic model)"
)


class UnvalidatedKwargs(KwargsRule):
    """Finds mass assignment: a public function (a name without a leading underscore, or
    `__init__`) whose `**kwargs` reaches something that accepts any field name, with no
    validation before it:

    - written wholesale onto an object: `setattr(obj, k, v)` in a loop over the keys,
      `obj.__dict__.update(kwargs)`, `vars(obj).update(kwargs)`;
    - kept whole in stored state, `self.x = kwargs` (or a copy: `dict(kwargs)`,
      `{**kwargs, ...}`) or `self.x.update(kwargs)`, when a method of the class then writes
      `self.x` wholesale in one of these ways (a mapping kept as a mapping, an options
      bag read by key, sets no field: Django stores about thirty such);
    - splatted into a sink (the `sinks` option: ORM entry points such as
      `*.objects.create`, `*.filter_by`, SQLAlchemy `insert(...).values`), or into the
      constructor of a model class: one named in `models`, or a class whose bases include
      a `model-bases` class (`models.Model`, `Base`, `SQLModel`...), defined in the same
      file or imported from the project's model modules (`from app.models import
      Booking`, relative imports, a `models/` package re-exporting it; read from disk,
      never imported; other modules' models are named in `models`).

    The mapping is followed through local copies (`data = dict(kwargs)`,
    `data.update(kwargs)`) until it is rebound. Forwarding (`super().m(**kwargs)`, calling
    a parameter as decorators do, `cls(**kwargs)`, `self.m(**kwargs)`) and ordinary calls,
    whose signatures reject unknown names, are not findings.

    Validation is any of: `**kwargs: Unpack[SomeTypedDict]`; a key-set check such as
    `set(kwargs) - ALLOWED`, `kwargs.keys() <= ALLOWED` or `kwargs.keys() & ALLOWED`; a loop
    or comprehension over the keys that tests `key in ALLOWED`; `if kwargs: raise ...` after
    popping the known keys; passing the mapping to a callable in `validators` or to a
    pydantic model (a class with a `validator-bases` base) defined in the file. `hasattr`
    and `key in obj.__dict__` are not validation: the fields an attacker wants to set
    (`is_admin`, `status`, `id`) exist.

    Why: a caller, in the end a request body, sets fields it must not.

        def update_booking(booking, **kwargs):
            for key, value in kwargs.items():
                setattr(booking, key, value)     # status="paid", owner_id=1

    Fix (unsafe), where the model is known (a constructor or `Model.objects.create`, or
    `setattr` onto `self` in a model's method or onto a parameter annotated with a model)
    and the mapping is not also read by key: the keys are checked at the function's
    entry against the model's writable fields, read statically (SQLAlchemy `Mapped` and
    `Column`, Django fields, dataclasses, attrs, pydantic; primary keys, server defaults,
    `auto_now` and `AutoField`s left out; settable properties and backrefs declared in
    the model's module kept), its bases' included: a mixin imported from the project is
    read too, and a base that cannot be read (a third-party mixin) means no fix, since
    the check would refuse its fields. When pydantic 2 is a dependency of the app
    (the nearest `pyproject.toml` or `requirements*.txt`; FastAPI and SQLModel count), a
    `BookingCreate` schema (`BookingUpdate`, every field optional, for `setattr`) with
    `extra="forbid"` is written after the model class, or after the imports for an
    imported model, and the function starts with `kwargs =
    BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)`: only the keys
    the caller set go on, so the model's defaults still apply (`typing.Optional[X]`
    where the app's `requires-python` allows a Python below 3.10; a field named like a
    `BaseModel` attribute, `json` or `model_*`, gets an alias). Without pydantic, an
    allow-list raises `TypeError` naming the unknown keys. Unsafe: a key the model does
    not have, or a value of the wrong type, is now an error where it was set (or
    ignored) before.
    """

    id = "unvalidated-kwargs"
    # No `statement_local`: the language server runs rules on `ast` on the whole text.
    url = rule_url(id)
    severity = Severity.CRITICAL
    message = "`**kwargs` reaches a mass-assignment sink without validation"
    OPTIONS = {
        "sinks": (
            "*.objects.create",
            "*.objects.update",
            "*.objects.filter",
            "*.objects.exclude",
            "*.objects.get_or_create",
            "*.objects.update_or_create",
            "*.objects.*().update",
            "*.objects.*().filter",
            "*.objects.*().exclude",
            "*.filter_by",
            "insert().values",
            "*.insert().values",
            "insert().*.values",
            "*.insert().*.values",
            "update().values",
            "*.update().values",
            "update().*.values",
            "*.update().*.values",
        ),
        "extend-sinks": (),
        "models": (),
        "model-bases": ("models.Model", "Model", "Base", "DeclarativeBase", "SQLModel", "Document"),
        "extend-model-bases": (),
        "validators": (),
        "validator-bases": ("BaseModel",),
    }

    PROJECT_FILES = (*MODEL_MODULES, *DEPENDENCY_FILES)
    fix_applicability = "unsafe"

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        options = context.options

        def strings(name: str) -> tuple[str, ...]:
            value = options.get(name)
            return value if isinstance(value, tuple) else ()

        if next(kwargs_functions(tree), None) is None:
            return False  # before the imported models, each a search of the disk
        sinks = strings("sinks") + strings("extend-sinks")
        bases = strings("model-bases") + strings("extend-model-bases")
        imported: tuple[str, ...] = ()
        if context.root is not None:
            found = imported_models(context.root, context.path, imports_of(tree.tree), bases)
            imported = tuple(found)
        return may_mass_assign(tree, sinks, strings("models") + imported, bases)

    def prepare(self, module: ast.Module) -> None:
        self._sinks: Sinks | None = None  # the module's classes: only for the candidates
        self.imported: dict[str, ModelClass] = {}
        self.pending: dict[int, list[tuple[Store, str, str]]] = {}  # by class, its id
        self._fix_context: FixContext | None = None

    @property
    def sinks(self) -> Sinks:
        if self._sinks is None:
            bases = self.strings("model-bases") + self.strings("extend-model-bases")
            models = self.classes.derived(bases)
            root = self.context.root
            if root is not None:
                self.imported = imported_models(
                    root, self.context.path, imports_of(self.tree), bases
                )
            self._sinks = Sinks(
                calls=self.strings("sinks") + self.strings("extend-sinks"),
                models=self.strings("models"),
                validators=self.strings("validators"),
                local_models=models | frozenset(self.imported),
                local_validators=self.classes.derived(self.strings("validator-bases"), models),
            )
        return self._sinks

    def fix_context(self) -> FixContext:
        """Worked out once per file, when a finding needs it."""
        if self._fix_context is None:
            bases = self.strings("model-bases") + self.strings("extend-model-bases")
            tree = self.tree
            named = {
                s.name: s
                for s in tree.body
                if isinstance(s, ast.ClassDef) and names_class(s.name, self.strings("models"))
            }
            local = {
                name: ModelClass(node, tree, None)
                for name, node in {**named, **local_models(tree, bases)}.items()
            }
            root, path = self.context.root, self.context.path
            self._fix_context = FixContext(
                tree=tree,
                source=self.lines,
                models={**self.imported, **local},
                owner=None,
                pydantic=depends_on_pydantic(root, path),
                uses=self.module_uses,
                schemas=self.sinks.local_validators,
                first_party=first_party(root, path),
                root=root,
                path=path,
                roots=bases + self.strings("validator-bases"),
                union=union_syntax(root, path),
            )
        return self._fix_context

    def check(self, function: Function, param: ast.arg, qualname: str, shadowed: LazyNames) -> None:
        use = analyse(function, param, self.sinks, shadowed, self.code)
        plan = None
        if use.sinks:
            context = replace(self.fix_context(), owner=self.enclosing_class(directly=True))
            plan = plan_fix(context, function, use, qualname)
        for sink in use.sinks:
            what = f"`**{use.name}` of `{qualname}()` is {sink.what}"
            if plan is None:
                self._report(sink.node, sink.end, what)
            else:
                self.report(
                    sink.node,
                    f"mass assignment: {what}; {ADVICE}",
                    end=sink.end,
                    fix=Offer(plan.description, "unsafe"),
                    data=_Fix(plan, self.star_span(param)),
                )
        owner = self.enclosing_class(directly=False)
        if owner is not None:
            for store in use.stores:
                self.pending.setdefault(id(owner), []).append((store, use.name, qualname))

    def fix(self, target: FixTarget) -> Fixed | None:
        from rules.python._kwargs_fix import apply

        data = target.data
        assert isinstance(data, _Fix)
        return apply(data.plan, target, data.param)

    def finish_class(self, node: ast.ClassDef) -> None:
        """A mapping kept whole on `self` is mass assignment once a method writes it
        wholesale into a sink; kept as an options bag, it sets no field."""
        stores = self.pending.pop(id(node), [])
        methods = [s for s in node.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)]
        for store, name, qualname in stores:
            found = self._first_sink(methods, store.attr)
            if found is not None:
                method, sink = found
                self._report(
                    store.node,
                    store.end,
                    f"`**{name}` of `{qualname}()` is {store.what}, then {sink.what} "
                    f"in `{self.qualname(method.name)}()`",
                )

    def _first_sink(self, methods: list[Function], attr: str) -> tuple[Function, Sink] | None:
        for method in methods:
            sinks = stored_sinks(method, attr, self.sinks, self.shadowed(method), self.code)
            if sinks:
                return method, sinks[0]
        return None

    def _report(self, node: ast.AST, end: ast.AST | None, what: str) -> None:
        self.report(node, f"mass assignment: {what}; {ADVICE}", end=end)

    VALID = VALID
    INVALID = (*INVALID, *FIX_INVALID, *FIX_LINEAGE_INVALID)


@dataclass(frozen=True, slots=True)
class _Fix:
    """A finding's fix: the plan, and where the function's `**` parameter is."""

    plan: Plan
    param: Span
