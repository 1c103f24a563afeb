"""pii-logging beyond its examples: the vocabulary's word matching and guards, the options
through a project's config, the unsafe fix through the CLI, and fixed code that ruff's
logging rules find no worse than the original."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from rules._pii_names import NAMES, OBJECTS
from rules._pii_vocabulary import (
    DEFAULT_VOCABULARY,
    GUARD_PREFIXES,
    Vocabulary,
    parse_entries,
    words,
)
from rules.python.pii_logging import PiiLogging

SELECT = ("--select", "pii-logging")


@pytest.mark.parametrize(
    ("identifier", "parts"),
    [
        ("user_email", ("user", "email")),
        ("customerPhone", ("customer", "phone")),
        ("billing-address", ("billing", "address")),
        ("STRIPE_SECRET_KEY", ("stripe", "secret", "key")),
        ("getIPAddress", ("get", "ip", "address")),
        ("address_line1", ("address", "line", "1")),
    ],
)
def test_identifiers_are_split_into_word_parts(identifier: str, parts: tuple[str, ...]) -> None:
    assert words(identifier) == parts


@pytest.mark.parametrize(
    ("identifier", "label"),
    [
        ("user_email", "email"),
        ("customerPhone", "phone"),
        ("billingAddress", "address"),
        ("stripeSecretKey", "secret"),
        ("dateOfBirth", "birth date"),
        ("cvv2", "card"),
        ("tax_id", "national id"),  # the term's own `id`
        ("x-forwarded-for", "ip address"),
        ("password_reset_token", "token"),  # the last term names the data
        ("email_signin_token", "token"),
        ("api_key", "api key"),
        ("cookies", "session"),
    ],
)
def test_names_of_data(identifier: str, label: str) -> None:
    assert DEFAULT_VOCABULARY.name_label(identifier) == label


@pytest.mark.parametrize(
    "identifier",
    [
        "email_count",
        "is_email_verified",
        "has_password",
        "token_count",
        "address_id",
        "num_emails",
        "n_tokens",
        "emailInput",
        "password_field",
        "token_type",
        "emailsAnalyzed",  # a past participle: about the data
        "setEmail",
        "onEmailChange",
        "sendEmailToOwner",
        "maskedclient_email",
        "emailRes",
        "token",  # a stream position as often as a credential
        "ip_address",  # a device's as often as a person's
        "full_name",  # a module's as often as a person's
        "server_address",
    ],
)
def test_things_about_the_data_are_not_the_data(identifier: str) -> None:
    assert DEFAULT_VOCABULARY.name_label(identifier) is None


@pytest.mark.parametrize(
    ("identifier", "label"),
    [("user", "user"), ("userInfo", "user"), ("current_user", "user"), ("formData", "form")],
)
def test_whole_records(identifier: str, label: str) -> None:
    assert DEFAULT_VOCABULARY.object_label(identifier) == label


@pytest.mark.parametrize("identifier", ["User", "USER", "user_id", "chosen_user", "profile"])
def test_not_whole_records(identifier: str) -> None:
    assert DEFAULT_VOCABULARY.object_label(identifier) is None


def test_no_guard_word_starts_a_term() -> None:
    """A guard prefix that begins a term would hide it (`last` is not a guard: `last_name`)."""
    terms = parse_entries(NAMES, "names") + parse_entries(OBJECTS, "objects")
    assert not {t.words[0] for t in terms} & GUARD_PREFIXES


def test_entries_are_labelled_and_checked() -> None:
    (term,) = parse_entries(["loyalty card: loyaltyNumber"], "extend-names")
    assert (term.label, term.words) == ("loyalty card", ("loyalty", "number"))
    (plain,) = parse_entries(["badge_number"], "extend-names")
    assert (plain.label, plain.words) == ("badge number", ("badge", "number"))
    with pytest.raises(ValueError, match="extend-names entry"):
        parse_entries(["card: "], "extend-names")


def test_ignore_names_are_whole_identifiers() -> None:
    vocabulary = Vocabulary(
        parse_entries(NAMES, "n"), parse_entries(OBJECTS, "o"), ["session cookie"]
    )
    assert vocabulary.name_label("sessionCookie") is None
    assert vocabulary.name_label("cookie") == "session"


# --- through the command line ---------------------------------------------------------------

PY = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    "def book(user, booking):\n"
    '    logger.info(f"Booking for {user.email} created, id {booking.id}")\n'
    '    logger.info("login %s from %s", user.email, request.remote_addr)\n'
)
PY_FIXED = (
    "import logging\n\nlogger = logging.getLogger(__name__)\n\n\n"
    "def book(user, booking):\n"
    '    logger.info(f"Booking for [redacted: email] created, id {booking.id}")\n'
    '    logger.info("login [redacted: email] from [redacted: ip address]")\n'
)
TS = "export function f(user: User) {\n  console.log('User:', user.email, user.id);\n}\n"
TS_FIXED = (
    "export function f(user: User) {\n  console.log('User:', '[redacted: email]', user.id);\n}\n"
)


def test_the_unsafe_fix_through_the_cli_and_a_second_pass_changes_nothing(project, audit) -> None:
    root = project({"shop/booking.py": PY, "web/user.ts": TS})
    safe = audit("scan", "--fix", *SELECT)
    assert safe.code == 1 and "critical pii-logging" in safe.out
    assert (root / "shop/booking.py").read_text() == PY  # unsafe: not applied by --fix
    assert audit("scan", "--fix", "--unsafe-fixes", *SELECT).code == 0
    assert (root / "shop/booking.py").read_text() == PY_FIXED
    assert (root / "web/user.ts").read_text() == TS_FIXED
    again = audit("scan", *SELECT)
    assert again.code == 0, again.out


def test_options_from_config(project, audit) -> None:
    config = (
        "[tool.audit.rules.pii-logging]\n"
        'extend-names = ["loyalty card: loyalty number"]\n'
        'ignore-names = ["email"]\n'
        'loggers = ["audit_trail"]\n'
        'allow = ["scripts/"]\n'
    )
    root = project(
        {
            "pyproject.toml": config,
            "app/a.py": "audit_trail.info('%s %s', loyalty_number, email)\n",
            "scripts/export.py": "print(user.phone)\n",
        }
    )
    result = audit("scan", *SELECT)
    assert result.code == 1
    assert "`loyalty_number` (loyalty card)" in result.out
    assert "`email`" not in result.out and "scripts/" not in result.out
    assert root.is_dir()


def test_a_malformed_entry_is_a_config_error(project, audit) -> None:
    project({"pyproject.toml": '[tool.audit.rules.pii-logging]\nextend-names = ["card: "]\n'})
    project({"a.py": "print(email)\n"})
    result = audit("scan", *SELECT)
    assert result.code == 2  # the rule cannot run: reported as internal-error, as other rules do
    assert "extend-names entry 'card: ' must be 'label: words'" in result.out


def test_audit_rules_explains_it(audit) -> None:
    result = audit("rules", "pii-logging")
    assert result.code == 0
    assert "[redacted: LABEL]" in result.out and "extend-names" in result.out


# --- fixed code and ruff's logging rules -----------------------------------------------------

RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


def _ruff_codes(code: str, tmp_path: Path) -> Counter[str]:
    path = tmp_path / "example.py"
    path.write_text(code)
    done = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "G,LOG,F541",
            "--output-format",
            "concise",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return Counter(
        line.split(": ", 1)[1].split(" ", 1)[0]
        for line in done.stdout.splitlines()
        if line.startswith(str(path))
    )


FIXED = [e for e in PiiLogging.INVALID if e.expected is not None]


@pytest.mark.skipif(not Path(RUFF).exists(), reason="ruff is not installed")
@pytest.mark.parametrize("example", FIXED, ids=[f"invalid-{i}" for i in range(len(FIXED))])
def test_fixed_examples_trade_no_ruff_logging_finding_for_another(example, tmp_path) -> None:
    before = _ruff_codes(example.source, tmp_path)
    after = _ruff_codes(example.expected or "", tmp_path)
    assert not after - before, f"the fix added {dict(after - before)}"
