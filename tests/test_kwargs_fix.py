"""unvalidated-kwargs' fix through the command line, and the code it writes, run: a valid
call behaves as before, an unknown key raises naming it. (The fixed code is this test's
own fixture, not scanned code.)"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.testing import fix_all
from conftest import Run, git
from rules.python._kwargs_fix_examples import FIX_INVALID
from rules.python.unvalidated_kwargs import UnvalidatedKwargs

MODELS = """import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str]
    day: Mapped[datetime.date]
"""
SERVICE = """from shop.models import Booking


def create_booking(session, **kwargs):
    booking = Booking(**kwargs)
    session.add(booking)
    return booking
"""
FIXED_SERVICE = """import datetime

import pydantic

from shop.models import Booking


class BookingCreate(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")

    room: str
    day: datetime.date


def create_booking(session, **kwargs):
    kwargs = BookingCreate.model_validate(kwargs).model_dump(exclude_unset=True)
    booking = Booking(**kwargs)
    session.add(booking)
    return booking
"""
FILES = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["fastapi"]\n',
    "shop/__init__.py": "",
    "shop/models.py": MODELS,
    "shop/services.py": SERVICE,
}
FINDING = (
    "shop/services.py:5:15: critical unvalidated-kwargs mass assignment: `**kwargs` of "
    "`create_booking()` is passed to the model constructor `Booking()`; accept only known "
    "keys first (an allow-list check, `**kwargs: Unpack[TypedDict]`, or a pydantic model)\n"
)

Audit = Callable[..., Run]


def test_fix_writes_a_schema_for_a_model_imported_from_the_project(
    project: Callable[[dict[str, str]], Path], audit: Audit
) -> None:
    root = project(FILES)
    git(root, "init", "-q")
    found = audit("scan", "--select", "unvalidated-kwargs", "--no-cache")
    assert (found.code, found.out) == (
        1,
        FINDING + "Found 1 finding (1 critical) in 1 file; 3 files scanned.\n"
        "1 more fixable with `audit scan --fix --unsafe-fixes`.\n",
    )
    safe = audit("scan", "--select", "unvalidated-kwargs", "--fix", "--no-cache")
    assert safe.code == 1 and (root / "shop/services.py").read_text() == SERVICE
    fixed = audit("scan", "--select", "unvalidated-kwargs", "--fix", "--unsafe-fixes")
    assert (fixed.code, fixed.out) == (0, "Fixed 1 finding.\nNo findings; 3 files scanned.\n")
    assert (root / "shop/services.py").read_text() == FIXED_SERVICE
    again = audit("scan", "--select", "unvalidated-kwargs", "--fix", "--unsafe-fixes")
    assert (again.code, again.out) == (0, "No findings; 3 files scanned.\n")
    assert (root / "shop/services.py").read_text() == FIXED_SERVICE


def test_an_edit_of_the_models_module_refreshes_the_cached_findings(
    project: Callable[[dict[str, str]], Path], audit: Audit
) -> None:
    """The finding in services.py depends on models.py (PROJECT_FILES)."""
    root = project(FILES)
    git(root, "init", "-q")
    assert audit("scan", "--select", "unvalidated-kwargs").out.startswith(FINDING)
    (root / "shop/models.py").write_text(MODELS.replace("class Booking(Base)", "class Booking"))
    assert audit("scan", "--select", "unvalidated-kwargs").out == (
        "No findings; 3 files scanned.\n"
    )


ALLOW_LIST = """
from dataclasses import dataclass


@dataclass
class Booking:
    room: str
    party: int = 2


def update_booking(booking: Booking, **changes):
    for key, value in changes.items():
        setattr(booking, key, value)
"""


def _load(code: str, folder: Path, name: str) -> Any:
    """The fixed code as a module (a dataclass needs its module in sys.modules)."""
    path = folder / f"{name}.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_the_allow_list_accepts_the_fields_and_names_an_unknown_key(tmp_path: Path) -> None:
    fixed = fix_all(UnvalidatedKwargs, ALLOW_LIST, "shop/bookings.py", {"models": ("Booking",)})
    assert "raise TypeError" in fixed
    code = _load(fixed, tmp_path, "fixed_allow_list")
    booking = code.Booking("a1")
    code.update_booking(booking, room="b2", party=4)
    assert (booking.room, booking.party) == ("b2", 4)
    with pytest.raises(TypeError) as raised:
        code.update_booking(booking, room="c3", is_admin=True)
    assert str(raised.value) == "update_booking() got unexpected keyword arguments: ['is_admin']"
    assert booking.room == "b2"


def test_the_pydantic_schema_accepts_the_fields_and_names_an_unknown_key(tmp_path: Path) -> None:
    pydantic = pytest.importorskip("pydantic")
    dataclass_example = next(e for e in FIX_INVALID if "class BookingUpdate" in (e.expected or ""))
    assert dataclass_example.expected is not None
    code = _load(dataclass_example.expected, tmp_path, "fixed_schema")
    booking = code.Booking("a1")
    code.update_booking(booking, party=4)
    assert (booking.room, booking.party, booking.tags) == ("a1", 4, [])
    with pytest.raises(pydantic.ValidationError) as raised:
        code.update_booking(booking, room="c3", is_admin=True)
    assert [e["loc"] for e in raised.value.errors()] == [("is_admin",)]
    assert "is_admin" in str(raised.value)
    assert booking.room == "a1"
