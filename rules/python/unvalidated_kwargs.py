"""unvalidated-kwargs: mass assignment through a public function's `**kwargs`."""

from __future__ import annotations

import libcst as cst

from auditor.plugins import AstIndex, Invalid, RuleContext, Severity, Valid
from rules._docs import rule_url
from rules.python._kwargs_flow import analyse, stored_sinks
from rules.python._kwargs_prefilter import may_mass_assign
from rules.python._kwargs_rule import KwargsRule
from rules.python._kwargs_sinks import LazyNames, Sink, Sinks, Store
from rules.python._kwargs_syntax import VALIDATION_EXAMPLES

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
      constructor of a model class: one named in `models`, or a class defined in the same
      file whose bases include a `model-bases` class (`models.Model`, `Base`, `SQLModel`...).

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

    Fix: none automatic (the allowed names are a decision): check the keys against an
    allow-list, type the parameter as `**kwargs: Unpack[BookingUpdate]`, or validate with a
    pydantic model.
    """

    id = "unvalidated-kwargs"
    statement_local = True
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

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        options = context.options

        def strings(name: str) -> tuple[str, ...]:
            value = options.get(name)
            return value if isinstance(value, tuple) else ()

        sinks = strings("sinks") + strings("extend-sinks")
        bases = strings("model-bases") + strings("extend-model-bases")
        return may_mass_assign(tree, sinks, strings("models"), bases)

    def prepare(self, module: cst.Module) -> None:
        models = self.classes.derived(
            self.strings("model-bases") + self.strings("extend-model-bases")
        )
        self.sinks = Sinks(
            calls=self.strings("sinks") + self.strings("extend-sinks"),
            models=self.strings("models"),
            validators=self.strings("validators"),
            local_models=models,
            local_validators=self.classes.derived(self.strings("validator-bases"), models),
        )
        self.pending: dict[cst.ClassDef, list[tuple[Store, str, str]]] = {}

    def check(
        self,
        function: cst.FunctionDef,
        param: cst.Param,
        qualname: str,
        shadowed: LazyNames,
    ) -> None:
        use = analyse(function, param, self.sinks, shadowed)
        for sink in use.sinks:
            self._report(sink.node, sink.end, f"`**{use.name}` of `{qualname}()` is {sink.what}")
        owner = self.enclosing_class(directly=False)
        if owner is not None:
            for store in use.stores:
                self.pending.setdefault(owner, []).append((store, use.name, qualname))

    def finish_class(self, node: cst.ClassDef) -> None:
        """A mapping kept whole on `self` is mass assignment once a method writes it
        wholesale into a sink; kept as an options bag, it sets no field."""
        stores = self.pending.pop(node, [])
        methods = [s for s in node.body.body if isinstance(s, cst.FunctionDef)]
        for store, name, qualname in stores:
            found = self._first_sink(methods, store.attr)
            if found is not None:
                method, sink = found
                self._report(
                    store.node,
                    store.end,
                    f"`**{name}` of `{qualname}()` is {store.what}, then {sink.what} "
                    f"in `{self.qualname(method.name.value)}()`",
                )

    def _first_sink(
        self, methods: list[cst.FunctionDef], attr: str
    ) -> tuple[cst.FunctionDef, Sink] | None:
        for method in methods:
            sinks = stored_sinks(method, attr, self.sinks, self.shadowed(method))
            if sinks:
                return method, sinks[0]
        return None

    def _report(self, node: cst.CSTNode, end: cst.CSTNode | None, what: str) -> None:
        self.report(node, f"mass assignment: {what}; {ADVICE}", end=end)

    VALID = (
        # Forwarding: super(), a wrapped callable, cls(), a method of self.
        Valid(
            """
            class Form(Base):
                def __init__(self, **kwargs):
                    super().__init__(**kwargs)
            """
        ),
        Valid(
            """
            def retry(func):
                def wrapper(*args, **kwargs):
                    return func(*args, **kwargs)
                return wrapper
            """
        ),
        Valid(
            """
            class Booking(models.Model):
                @classmethod
                def build(cls, **kwargs):
                    return cls(**kwargs)

                def copy(self, **kwargs):
                    return self.clone(**kwargs)
            """
        ),
        # An ordinary call: its signature rejects unknown names.
        Valid("def send(**kwargs):\n    return mailer.send_mail(**kwargs)\n"),
        # A parameter named like a model class is not the class.
        Valid(
            """
            class Booking(models.Model):
                pass

            def make(Booking, **kwargs):
                return Booking(**kwargs)
            """
        ),
        # Unpack[TypedDict]: the type checker validates the keys.
        Valid(
            """
            def create(**kwargs: Unpack[BookingFields]):
                return Booking.objects.create(**kwargs)
            """
        ),
        *VALIDATION_EXAMPLES,
        # A validator from the options, and a pydantic model defined in the file.
        Valid(
            """
            def create(**kwargs):
                BookingCreate(**kwargs)
                return Booking.objects.create(**kwargs)
            """,
            options={"validators": ("BookingCreate",)},
        ),
        Valid(
            """
            from pydantic import BaseModel

            class BookingCreate(BaseModel):
                date: str

            def create(**kwargs):
                data = BookingCreate.model_validate(kwargs)
                return Booking.objects.create(**kwargs)
            """
        ),
        # Private functions are not entry points.
        Valid("def _create(**kwargs):\n    return Booking.objects.create(**kwargs)\n"),
        # Rebound before use: the caller's keys are gone.
        Valid(
            """
            def create(**kwargs):
                kwargs = {k: kwargs[k] for k in ALLOWED if k in kwargs}
                return Booking.objects.create(**kwargs)
            """
        ),
        Valid(
            """
            def create(**kwargs):
                fields = {k: v for k, v in kwargs.items() if k in ALLOWED}
                return Booking.objects.create(**fields)
            """
        ),
        # A mapping kept as a mapping (an options bag) sets no field; on another object
        # it cannot be followed.
        Valid(
            """
            class Client:
                def get(self, path, **extra):
                    self.extra = extra
                    response = self.request(path, **self.extra)
                    response.request = extra
                    return response.json(**self.extra.get("json", {}))
            """
        ),
        # Reading literal keys is not mass assignment (ignored-kwargs may apply).
        Valid(
            """
            class Booking:
                def __init__(self, **kw):
                    self.date = kw.get("date")
                    self.options = kw["options"]
            """
        ),
        # A nested function's own `**kwargs` is a different mapping.
        Valid(
            """
            def outer(**kwargs):
                def inner(**kwargs):
                    return len(kwargs)
                return inner(a=1)
            """
        ),
    )

    INVALID = (
        # A signature over several lines, with calls in its defaults (the trigger).
        Invalid(
            """
            def create(
                owner=current(user()),
                **fields,
            ):
                booking = Booking()
                for key, value in fields.items():
                    setattr(booking, key, value)
            """,
            line=7,
            column=9,
        ),
        Invalid(
            """
            def update_booking(booking, **kwargs):
                for key, value in kwargs.items():
                    setattr(booking, key, value)
                booking.save()
            """,
            line=3,
            column=9,
        ),
        # hasattr() does not validate: is_admin exists.
        Invalid(
            """
            class User:
                def update(self, **kwargs):
                    for key in kwargs:
                        if hasattr(self, key):
                            setattr(self, key, kwargs[key])
            """,
            line=5,
            column=17,
        ),
        Invalid(
            """
            class Booking:
                def __init__(self, **kwargs):
                    self.__dict__.update(kwargs)
            """,
            line=3,
            column=9,
        ),
        # Kept whole on self, then written wholesale by a method of the class.
        Invalid(
            """
            class BookingForm:
                def __init__(self, **options):
                    vars(self).update(**options)
                    self.fields = options
                    self.extra = {**options, "source": "api"}
                    self.data.update(options)
                    self.bag = options

                def save(self):
                    Booking.objects.create(**self.fields)
                    for key, value in self.extra.items():
                        setattr(self.booking, key, value)
                    self.booking.__dict__.update(self.data)
                    return Report(self.bag.get("title"))
            """,
            line=3,
            column=9,
            count=4,
        ),
        Invalid(
            """
            def create_booking(**kwargs):
                return Booking.objects.create(**kwargs)
            """,
            line=2,
            column=12,
        ),
        Invalid(
            """
            def find(session, **filters):
                return session.query(User).filter_by(**filters).all()
            """,
            line=2,
            column=12,
        ),
        Invalid(
            """
            def set_status(booking_id, **changes):
                Booking.objects.filter(pk=booking_id).update(**changes)
                conn.execute(update(bookings).where(bookings.c.id == booking_id).values(**changes))
                conn.execute(sa.insert(bookings).values(**changes))
            """,
            count=3,
        ),
        Invalid(
            """
            def upsert(pk, **fields):
                return Booking.objects.update_or_create(pk=pk, defaults=fields)
            """,
        ),
        # A model defined in the same file, through a local base class.
        Invalid(
            """
            class TimeStamped(models.Model):
                class Meta:
                    abstract = True

            class Booking(TimeStamped):
                room = models.CharField(max_length=10)

            def book(**kwargs):
                booking = Booking(**kwargs)
                booking.save()
                return booking
            """,
            line=9,
            column=15,
        ),
        Invalid(
            """
            def book(**kwargs):
                return Reservation(**kwargs)
            """,
            options={"models": ("Reservation",)},
        ),
        # `__init__` is public; the `**` parameter may have any name.
        Invalid(
            """
            class Guest(SQLModel, table=True):
                id: int

            class Service:
                def __init__(self, **kw):
                    self.guest = Guest(**kw)
            """,
            line=6,
            column=22,
        ),
        # Copies and merges carry every key to a local sink.
        Invalid(
            """
            def create(owner, **kwargs):
                data = dict(kwargs)
                data["owner"] = owner
                merged = {}
                merged.update(kwargs)
                save = Booking.objects.create
                save(**data)
                Booking.objects.create(**merged)
            """,
            count=2,
            line=7,
        ),
        # A nested function: the closure's mapping still reaches the sink.
        Invalid(
            """
            def handler(**kwargs):
                def run():
                    return Booking.objects.create(**kwargs.copy())
                return run
            """,
            line=3,
        ),
        # Validation after the sink comes too late; a validator result is not the input.
        Invalid(
            """
            def create(**kwargs):
                booking = Booking.objects.create(**kwargs)
                if set(kwargs) - ALLOWED:
                    raise TypeError("unexpected")
                return booking
            """,
            line=2,
        ),
        # Rebinding to another copy keeps the caller's keys.
        Invalid(
            """
            def create(user, **kwargs):
                kwargs = {**kwargs, "owner": user}
                return Booking.objects.create(**kwargs)
            """,
            line=3,
        ),
        # Frozen objects are written through object.__setattr__.
        Invalid(
            """
            class Frozen:
                def __init__(self, **kwargs):
                    for key, value in kwargs.items():
                        object.__setattr__(self, key, value)
            """,
            line=4,
            column=13,
        ),
        # A membership test against the object's own attributes validates nothing.
        Invalid(
            """
            def update(obj, **kwargs):
                for key, value in kwargs.items():
                    if key in obj.__dict__:
                        obj.__dict__[key] = value
            """,
            line=4,
        ),
    )
