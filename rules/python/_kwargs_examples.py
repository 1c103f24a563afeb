"""unvalidated-kwargs: the rule's examples, run by the shared harness (the fix's are in
`_kwargs_fix_examples`)."""

from __future__ import annotations

from auditor.plugins import Invalid, Valid

# What counts as validating the keys, as unvalidated-kwargs' examples (the harness runs
# them with the rule's): the allow-list checks and guards recognised above.
VALIDATION_EXAMPLES = (
    # Allow-list checks, each form.
    Valid(
        """
            def create(**kwargs):
                unexpected = set(kwargs) - ALLOWED
                if unexpected:
                    raise TypeError(unexpected)
                return Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                if kwargs.keys() - {"date", "room"}:
                    raise TypeError("unexpected fields")
                return Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            class Booking:
                def update(self, **kwargs):
                    for key in kwargs:
                        if key not in self.EDITABLE:
                            raise TypeError(key)
                    for key, value in kwargs.items():
                        setattr(self, key, value)
            """
    ),
    Valid(
        """
            def update(booking, **kwargs):
                for key, value in kwargs.items():
                    if key in EDITABLE:
                        setattr(booking, key, value)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                assert kwargs.keys() <= ALLOWED
                Booking.objects.create(**kwargs)
            """
    ),
    Valid(
        """
            def create(**kwargs):
                date = kwargs.pop("date")
                if kwargs:
                    raise TypeError(f"unexpected: {sorted(kwargs)}")
                return Booking.objects.create(date=date, **kwargs)
            """
    ),
    # Rejecting keys that fail a test, as a signature would, validates them.
    Valid(
        """
            def configure(holder, **options):
                for name, value in options.items():
                    if not name.isupper():
                        raise TypeError(f"setting {name!r} must be uppercase")
                    setattr(holder, name, value)
            """
    ),
    Valid(
        """
            class Options:
                def __init__(self, **kwargs):
                    for key, value in kwargs.items():
                        self.values[key] = value

                def get(self, key):
                    return self.values[key]
            """
    ),
)

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
        # Without pydantic (the example has no pyproject.toml): an allow-list of the
        # model's writable fields, its base classes' included.
        fixed="""
        class TimeStamped(models.Model):
            class Meta:
                abstract = True

        class Booking(TimeStamped):
            room = models.CharField(max_length=10)

        def book(**kwargs):
            unexpected = set(kwargs) - {"room"}
            if unexpected:
                raise TypeError(f"book() got unexpected keyword arguments: {sorted(unexpected)}")
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
        fixed="""
        class Guest(SQLModel, table=True):
            id: int

        class Service:
            def __init__(self, **kw):
                unexpected = set(kw) - {"id"}
                if unexpected:
                    raise TypeError(f"Service.__init__() got unexpected keyword arguments: {sorted(unexpected)}")
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
