"""pii-logging's vocabulary, shared by its Python and JS/TS implementations: which
identifiers, attributes and object keys name personal or secret data.

An identifier is split into lower-case word parts (`customerPhone`, `customer_phone`,
`customer-phone` and `CUSTOMER_PHONE` are all `customer phone`; `getIPAddress` is
`get ip address`; digits are words of their own: `address_line1`). A **term** (`phone
number`, `email`) matches where its words occur in that sequence. The identifier names the
data itself unless:
- a word after the term says it is something *about* the data (`META_WORDS`: an id, a
  count, a length, a flag, a type, a form field, a template, a URL...; or a past
  participle): `email_count`, `email_verified`, `emailsAnalyzed`, `address_id`,
  `token_type`, `password_field`, `emailInput`;
- its first word says it is a flag, a count or a fake (`GUARD_PREFIXES`): `is_email_verified`,
  `has_password`, `num_tokens`, `n_emails`, `fake_email`, `setEmail`, `onEmailChange`;
- it is exactly one of the `ignore-names`.
The term's own words are never a guard: `tax_id`, `session_id` and `first_name` are data.

An **object** (`user`, `customer`, `profile`, `form`, `request_body`...) is a whole record
passed as it is: `console.log(user)`, `print(customer)`. The identifier must *be* the
object, after dropping words such as `data`, `info`, `details`, `obj` from its end
(`user`, `userInfo`, `customer_data`, `current_user`); `chosen_user`, `from_user` and
`local_users` are as often a user's id as the record, and are not matched. A PascalCase or
ALL_CAPS name is a class or a constant, not a record.

Both lists are options (`names`, `objects`), each entry `"label: words"` (the label is what
the redaction marker says, `[redacted: label]`); `extend-names`/`extend-objects` add to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rules._pii_names import FAKE_DATA_FILES as FAKE_DATA_FILES
from rules._pii_names import NAMES as NAMES
from rules._pii_names import OBJECTS as OBJECTS

MARKER = "[redacted: {}]"


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word after a term: the identifier is about the data, not the data.
META_WORDS = _word_set(
    """
    id ids pk pks uuid guid key keys count counts cnt len length size max min limit
    verified verification confirmed confirmation enabled disabled required optional
    type types kind format formats field fields column col label placeholder hint help
    regex re pattern validator validators validation valid error errors err message msg
    status template templates subject body html sent send backend host port server smtp
    provider service client domain url uri link endpoint path file filename dir directory
    name names prefix suffix header headers param params attr attribute prop property
    policy strength expiry expires expiration expired exp ttl timeout lifetime age at
    enable time timestamp changed change updated reset exists present missing match mismatch
    masked redacted hashed hash hasher mask input element el ref button btn icon modal
    dialog form view screen page step tab component widget class style selector handler
    callback listener event config settings setting option options flag mode source
    store cache manager generator factory checker encoder util utils helper module lib
    index idx pos position offset start end visible visibility shown hidden toggle
    fingerprint digest checksum res resp response responses result results outcome job
    jobs queue thread threads worker
    """
)
# A first word: the identifier is a flag, a count, an action or a fake.
GUARD_PREFIXES = _word_set(
    """
    is has have had was were can could should must will did does do needs need requires
    require allow allows allowed use uses using show hide no num n total count max min
    send resend notify include enable disable skip ignore want wants conf cfg config attr
    key field param arg header column col label setting missing with without
    len validate check verify on handle set toggle update mask hash hashed masked redact
    redacted obfuscated anonymized anonymize sanitize sanitized fake mock test dummy
    sample example stub default
    """
)
# Words dropped from the end of an identifier before it is matched against the objects.
RECORD_WORDS = _word_set(
    "data info details detail obj object record records dict json list payload"
)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(identifier: str) -> tuple[str, ...]:
    """`customerPhone` -> ("customer", "phone"); `getIPAddress` -> ("get", "ip", "address")."""
    return tuple(w.lower() for w in _WORD.findall(identifier))


def marker(label: str) -> str:
    return MARKER.format(label)


@dataclass(frozen=True, slots=True)
class Term:
    label: str
    words: tuple[str, ...]


def parse_entries(entries: Iterable[str], option: str) -> tuple[Term, ...]:
    """`"label: words"` entries (the words in any identifier style); an entry without a
    label is labelled by its own words."""
    terms = []
    for entry in entries:
        label, sep, spelled = entry.partition(":")
        if not sep:
            label, spelled = "", entry
        parts = tuple(w for piece in spelled.split() for w in words(piece))
        if not parts or not all(c.isalnum() or c in " -_" for c in label.strip()):
            raise ValueError(
                f"{option} entry {entry!r} must be 'label: words' or words, "
                "e.g. 'card: loyalty number' or 'loyaltyNumber'"
            )
        terms.append(Term(label.strip().lower() or " ".join(parts), parts))
    return tuple(terms)


class Vocabulary:
    """The configured names and objects, matched against identifiers."""

    def __init__(
        self,
        names: Sequence[Term],
        objects: Sequence[Term],
        ignore: Iterable[str] = (),
    ) -> None:
        self._names = _by_first_word(names)
        self._objects = {term.words: term for term in objects}
        self._ignored = frozenset(words(i) for i in ignore)

    @classmethod
    def from_options(
        cls,
        names: Iterable[str],
        extend_names: Iterable[str],
        objects: Iterable[str],
        extend_objects: Iterable[str],
        ignore: Iterable[str],
    ) -> Vocabulary:
        return cls(
            parse_entries(names, "names") + parse_entries(extend_names, "extend-names"),
            parse_entries(objects, "objects") + parse_entries(extend_objects, "extend-objects"),
            ignore,
        )

    def name_label(self, identifier: str) -> str | None:
        """The label of the data `identifier` names, or None."""
        parts = words(identifier)
        if not parts or parts in self._ignored:
            return None
        found: str | None = None
        index = 0
        while index < len(parts):
            term = self._term_at(parts, index)
            if term is None:
                if index == 0 and guarded(parts[0]):
                    return None
                index += 1
                continue
            end = index + len(term.words)
            if not any(_about(w) for w in parts[end:]):
                found = term.label  # the last one: `email_signin_token` is a token
            index = end
        return found

    def object_label(self, identifier: str) -> str | None:
        """The label of the record `identifier` names as a whole, or None."""
        if identifier[:1].isupper():
            return None  # `User`: a class; `USER`: a constant
        parts = words(identifier)
        if not parts or parts in self._ignored or guarded(parts[0]):
            return None
        for candidate in _record_stems(parts):
            term = self._objects.get(candidate)
            if term is not None:
                return term.label
        return None

    def ignores(self, identifier: str) -> bool:
        """Whether `ignore-names` lists `identifier` (`body`: `req.body` is not data)."""
        return words(identifier) in self._ignored

    def _term_at(self, parts: tuple[str, ...], index: int) -> Term | None:
        for term in self._names.get(parts[index], ()):
            if parts[index : index + len(term.words)] == term.words:
                return term
        return None


# A first word run together with what follows it (`maskedclient_email`): still a guard.
_GUARD_STEMS = ("masked", "hashed", "redacted", "obfuscated", "anonymized", "encrypted")


def guarded(word: str) -> bool:
    """A first word that makes the identifier a flag, a count, an action or a fake."""
    return word in GUARD_PREFIXES or word.startswith(_GUARD_STEMS)


def _about(word: str) -> bool:
    """A word after a term that makes the identifier about the data: a META word, or a past
    participle (`email_verified`, `emailsAnalyzed`, `password_changed`)."""
    return word in META_WORDS or (len(word) > 3 and word.endswith("ed"))


def _by_first_word(terms: Sequence[Term]) -> dict[str, tuple[Term, ...]]:
    grouped: dict[str, list[Term]] = {}
    for term in terms:
        grouped.setdefault(term.words[0], []).append(term)
    return {k: tuple(sorted(v, key=lambda t: -len(t.words))) for k, v in grouped.items()}


def _record_stems(parts: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    yield parts
    while len(parts) > 1 and parts[-1] in RECORD_WORDS:
        parts = parts[:-1]
        yield parts


DEFAULT_VOCABULARY = Vocabulary(parse_entries(NAMES, "names"), parse_entries(OBJECTS, "objects"))

# Attributes of a person record that are personal data there and ambiguous elsewhere
# (`user.name`, `customer.full_name`; but `field.name`, `platform.full_name`,
# `server.address`).
PERSON_ATTRIBUTES = {
    "name": "name",
    "full name": "name",
    "fullname": "name",
    "address": "address",
    "addresses": "address",
}
# An IP address is a person's on a request, a person, a client or a session record
# (`req.ip`, `user.ip_address`); a bare `ip` is as often a device's or a server's.
IP_ATTRIBUTES = frozenset({"ip", "ips", "ip address", "ipaddress", "ip addr", "ipaddr"})
IP_OWNERS = frozenset({"client", "visitor", "session"})
PERSON_LABELS = frozenset(
    {"user", "customer", "person", "patient", "profile", "contact", "guest", "subscriber"}
    | {"applicant", "employee"}
)
# A request's parsed data: `request.POST`, `req.body`, `request.headers`...
REQUEST_WORDS = frozenset({"request", "req"})
REQUEST_ATTRIBUTES = frozenset(
    {"body", "data", "form", "json", "post", "values", "cookies", "headers", "meta"}
    | {"signed cookies", "raw body"}
)
FORM_ATTRIBUTES = frozenset({"data", "cleaned data"})
_IP_OWNERS = frozenset((w,) for w in IP_OWNERS)
# Calls that return their argument's value, or the receiver's, as text.
TRANSPARENT_METHODS = frozenset(
    {"lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize"}
    | {"toLowerCase", "toUpperCase", "trim", "trimStart", "trimEnd", "toString"}
    | {"normalize", "valueOf", "toLocaleLowerCase", "toLocaleUpperCase"}
)


def qualified_label(vocabulary: Vocabulary, receiver: str | None, attribute: str) -> str | None:
    """What `receiver.attribute` holds when the attribute alone does not say:
    `user.name` (a person's name), `request.POST` / `req.body` (request data),
    `form.cleaned_data`. `receiver` is the receiver's last name (None: not a name)."""
    if receiver is None or vocabulary.ignores(attribute):
        return None
    attr = " ".join(words(attribute))
    owner = words(receiver)
    requested = bool(owner) and owner[-1] in REQUEST_WORDS
    personal = vocabulary.object_label(receiver) in PERSON_LABELS
    person = PERSON_ATTRIBUTES.get(attr)
    if person is not None and personal:
        return person
    if attr in IP_ATTRIBUTES and (requested or personal or owner[-1:] in _IP_OWNERS):
        return "ip address"
    if requested and attr in REQUEST_ATTRIBUTES:
        return "session" if "cookies" in attr else "request data"
    if owner and owner[-1] == "form" and attr in FORM_ATTRIBUTES:
        return "form"
    return None


# Receivers whose `token` is a credential (`invite.token`, `credentials.token`); elsewhere
# it is as often a stream position or a public key (`cmd.token`, `ctx.channel.token`).
TOKEN_OWNERS = _word_set(
    "auth oauth credentials creds session invite invitation reset verification login access"
)


# Where a `.user`/`.customer` attribute is the record (`request.user`, `session.user`,
# `self.customer`, `this.user`, `ctx.state.user`, `g.user`); elsewhere it is as often the
# record's id (Stripe's `subscription.customer`, Slack's `event.user`).
RECORD_OWNERS = _word_set("request req session self this ctx context g auth identity locals state")
# Where configuration comes from: `process.env.X`, `os.environ["X"]`, `settings.X`.
CONFIG_WORDS = _word_set("env environ settings config conf cfg")
# What configuration may hold that is still a secret; its e-mails, names and addresses are
# the organisation's own (`settings.DEFAULT_FROM_EMAIL`, `env.SUPPORT_PHONE`).
SECRET_LABELS = frozenset({"password", "token", "secret", "api key", "session"})


def constant(name: str) -> bool:
    """`API_KEY_NOT_FOUND`, `EMAIL_FIELD`: an ALL_CAPS name is a constant, data only when it
    is read from configuration."""
    return name.isupper()


def config_label(vocabulary: Vocabulary, key: str) -> str | None:
    """What a configuration key holds that is data: a secret."""
    found = vocabulary.name_label(key)
    return found if found in SECRET_LABELS else None


def member_label(
    vocabulary: Vocabulary, receiver: str | None, attribute: str, *, key: bool = False
) -> str | None:
    """What `receiver.attribute` (or, with `key`, `receiver["attribute"]`) holds;
    `receiver` is the receiver's last name, None when it has none."""
    owner = words(receiver or "")
    if owner[-1:] and owner[-1] in CONFIG_WORDS:
        return config_label(vocabulary, attribute)
    if words(attribute) == ("token",):
        return "token" if owner[-1:] and owner[-1] in TOKEN_OWNERS else None
    named = key or not constant(attribute)  # `request.COOKIES` is Django's, not a constant
    found = vocabulary.name_label(attribute) if named else None
    found = found or qualified_label(vocabulary, receiver, attribute)
    if found is None and named and owner[-1:] and owner[-1] in RECORD_OWNERS:
        found = vocabulary.object_label(attribute)
    return found


def about_key(key: str) -> bool:
    """A key that says its value is about something (`customerId`, `user_count`,
    `is_verified`): the value is not examined."""
    parts = words(key)
    return bool(parts) and (guarded(parts[0]) or any(_about(w) for w in parts))


def plain_name(vocabulary: Vocabulary, name: str) -> bool:
    """Whether a value under a key that names data (`{"email": addr}`) is that data, by
    its own name: `addr` is, `email_id`, `is_valid`, `True` and `None` are not."""
    parts = words(name)
    if not parts or name in {"True", "False", "None", "undefined", "null"}:
        return False
    if vocabulary.name_label(name) is not None:
        return True
    return not guarded(parts[0]) and not set(parts) & META_WORDS


def getter_label(vocabulary: Vocabulary, function: str, receiver: str | None = None) -> str | None:
    """`getEmail()`, `user.get_full_name()`: a getter of the data its name names (on its
    receiver, whose last name is `receiver`)."""
    parts = words(function)
    if len(parts) < 2 or parts[0] != "get":
        return None
    rest = "_".join(parts[1:])
    return vocabulary.name_label(rest) or qualified_label(vocabulary, receiver, rest)


def finding_text(message: str, found: Sequence[tuple[str, str]]) -> str:
    """A finding's message: the rule's, then each value found, as code, with its label."""
    shown = ", ".join(f"`{_short(code)}` ({label})" for label, code in found)
    return f"{message}: {shown}; log an id instead, or leave it out"


def _short(code: str) -> str:
    code = " ".join(code.split())
    return code if len(code) <= 40 else code[:37] + "..."


def fix_text(found: Sequence[tuple[str, str]]) -> str:
    """The fix's description: what each value becomes."""
    markers = ", ".join(dict.fromkeys(f"[redacted: {label}]" for label, _ in found))
    return f"redact {len(found)} value{'s' if len(found) > 1 else ''}: {markers}"


# The options of pii-logging, one table for both its implementations (one rule id).
OPTIONS: dict[str, tuple[str, ...]] = {
    "names": NAMES,
    "extend-names": (),
    "objects": OBJECTS,
    "extend-objects": (),
    "ignore-names": (),
    "loggers": (),
    "allow": (),
}


@lru_cache(maxsize=32)  # few option sets: one per config
def _built(options: tuple[tuple[str, ...], ...]) -> Vocabulary:
    return Vocabulary.from_options(*options)


def rule_vocabulary(option: Callable[[str], tuple[str, ...]]) -> Vocabulary:
    """The vocabulary of a pii-logging rule's options (`option`: its `strings_option`),
    built once per set of options for both languages' rules: a rule is made anew for
    each file, and building its vocabulary cost more than most files' scans."""
    names = ("names", "extend-names", "objects", "extend-objects", "ignore-names")
    return _built(tuple(option(name) for name in names))
