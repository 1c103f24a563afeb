"""unvalidated-kwargs: the examples of its fix, run by the shared harness. Each is a small
project (the `pyproject.toml` or `requirements.txt` says whether pydantic is a dependency):
the fixed files pass ruff (I001 included) and mypy."""

from __future__ import annotations

from auditor.plugins import Invalid

PYPROJECT = '[project]\nname = "shop"\ndependencies = ["pydantic>=2", "sqlalchemy>=2"]\n'

FIX_INVALID = (
    # SQLAlchemy 2.0 (`Mapped`, `mapped_column`), pydantic a dependency: a schema after the
    # model; the primary key and the server default are left out, a default or `None` makes
    # a field optional, and only the keys the caller set go on.
    Invalid(
        """
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Booking(Base):
            __tablename__ = "bookings"

            id: Mapped[int] = mapped_column(primary_key=True)
            room: Mapped[str] = mapped_column(String(20))
            note: Mapped[str | None]
            party: Mapped[int] = mapped_column(default=2)
            created: Mapped[str] = mapped_column(server_default="now()")


        def create_booking(session, **kwargs):
            booking = Booking(**kwargs)
            session.add(booking)
            return booking
        """,
        path="shop/bookings.py",
        files={
            "pyproject.toml": PYPROJECT,
        },
        fixed="""
        import pydantic
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Booking(Base):
            __tablename__ = "bookings"

            id: Mapped[int] = mapped_column(primary_key=True)
            room: Mapped[str] = mapped_column(String(20))
            note: Mapped[str | None]
            party: Mapped[int] = mapped_column(default=2)
            created: Mapped[str] = mapped_column(server_default="now()")


        class BookingCreate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            room: str
            note: str | None = None
            party: int | None = None


        def create_booking(session, **kwargs):
            kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)
            booking = Booking(**kwargs)
            session.add(booking)
            return booking
        """,
    ),
    # Classic SQLAlchemy columns: `nullable=False` is required, a column is nullable by
    # default; `sa.Date` is `datetime.date` (its import added where isort puts it).
    Invalid(
        """
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class Booking(Base):
            __tablename__ = "bookings"

            id = sa.Column(sa.Integer, primary_key=True)
            room = sa.Column(sa.String(20), nullable=False)
            day = sa.Column(sa.Date, nullable=False)
            note = sa.Column(sa.Text)


        def create_booking(**kwargs):
            return Booking(**kwargs)
        """,
        path="shop/bookings.py",
        files={
            "pyproject.toml": PYPROJECT,
        },
        fixed="""
        import datetime

        import pydantic
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class Booking(Base):
            __tablename__ = "bookings"

            id = sa.Column(sa.Integer, primary_key=True)
            room = sa.Column(sa.String(20), nullable=False)
            day = sa.Column(sa.Date, nullable=False)
            note = sa.Column(sa.Text)


        class BookingCreate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            room: str
            day: datetime.date
            note: str | None = None


        def create_booking(**kwargs):
            kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)
            return Booking(**kwargs)
        """,
    ),
    # Django, without pydantic: an allow-list of the writable fields, less the ones the
    # function sets itself (`owner`, `owner_id`) and the server-managed `created`.
    Invalid(
        """
        from django.db import models


        class Booking(models.Model):
            room = models.CharField(max_length=20)
            party = models.PositiveIntegerField()
            owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            created = models.DateTimeField(auto_now_add=True)


        def book(owner, **fields):
            return Booking.objects.create(owner=owner, **fields)
        """,
        path="shop/models.py",
        files={
            "requirements.txt": "Django>=5.0\n",
        },
        fixed="""
        from django.db import models


        class Booking(models.Model):
            room = models.CharField(max_length=20)
            party = models.PositiveIntegerField()
            owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            created = models.DateTimeField(auto_now_add=True)


        def book(owner, **fields):
            unexpected = set(fields) - {"party", "room"}
            if unexpected:
                raise TypeError(f"book() got unexpected keyword arguments: {sorted(unexpected)}")
            return Booking.objects.create(owner=owner, **fields)
        """,
    ),
    # A dataclass named in `models`, written field by field onto a parameter annotated
    # with it: an update schema, every field optional.
    Invalid(
        """
        from dataclasses import dataclass, field


        @dataclass
        class Booking:
            room: str
            party: int = 2
            tags: list[str] = field(default_factory=list)


        def update_booking(booking: Booking, **changes):
            for key, value in changes.items():
                setattr(booking, key, value)
        """,
        path="shop/bookings.py",
        files={
            "pyproject.toml": PYPROJECT,
        },
        fixed="""
        from dataclasses import dataclass, field

        import pydantic


        @dataclass
        class Booking:
            room: str
            party: int = 2
            tags: list[str] = field(default_factory=list)


        class BookingUpdate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            room: str | None = None
            party: int | None = None
            tags: list[str] | None = None


        def update_booking(booking: Booking, **changes):
            changes = BookingUpdate.model_validate(changes).model_dump(exclude_unset=True)
            for key, value in changes.items():
                setattr(booking, key, value)
        """,
        options={"models": ("Booking",)},
    ),
    # A model's own method writing `self` field by field, without pydantic.
    Invalid(
        """
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"

            id = Column(Integer, primary_key=True)
            name = Column(String(80), nullable=False)
            email = Column(String(120))

            def update(self, **kwargs):
                for key, value in kwargs.items():
                    setattr(self, key, value)
        """,
        path="shop/models.py",
        files={
            "requirements.txt": """
            flask
            sqlalchemy
            """,
        },
        fixed="""
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import DeclarativeBase


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"

            id = Column(Integer, primary_key=True)
            name = Column(String(80), nullable=False)
            email = Column(String(120))

            def update(self, **kwargs):
                unexpected = set(kwargs) - {"email", "name"}
                if unexpected:
                    raise TypeError(f"User.update() got unexpected keyword arguments: {sorted(unexpected)}")
                for key, value in kwargs.items():
                    setattr(self, key, value)
        """,
    ),
    # A model imported from the project's models package (re-exported by its
    # `__init__`), found without configuration; a type the fixed file cannot name (the
    # model module's own enum) is `typing.Any`.
    Invalid(
        """
        from shop.models import Booking


        def create_booking(session, **kwargs):
            booking = Booking(**kwargs)
            session.add(booking)
            return booking
        """,
        path="shop/services/bookings.py",
        files={
            "pyproject.toml": PYPROJECT,
            "shop/__init__.py": "",
            "shop/models/__init__.py": "from .booking import Booking as Booking\n",
            "shop/models/booking.py": """
            import datetime
            import enum

            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


            class Status(enum.Enum):
                OPEN = "open"


            class Base(DeclarativeBase):
                pass


            class Booking(Base):
                __tablename__ = "bookings"

                id: Mapped[int] = mapped_column(primary_key=True)
                room: Mapped[str]
                day: Mapped[datetime.date]
                status: Mapped[Status] = mapped_column(default=Status.OPEN)
            """,
        },
        fixed="""
        import datetime
        import typing

        import pydantic

        from shop.models import Booking


        class BookingCreate(pydantic.BaseModel):
            model_config = pydantic.ConfigDict(extra="forbid")

            room: str
            day: datetime.date
            status: typing.Any = None


        def create_booking(session, **kwargs):
            kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)
            booking = Booking(**kwargs)
            session.add(booking)
            return booking
        """,
    ),
)
