"""console-logging (JS/TS): how a `console.<method>` member is used: called
(`console.log(x)`, `(console.log)(x)`, `console.log?.(x)`), bound or called through
`.bind`/`.call`/`.apply`, or passed on as a value (`.catch(console.error)`,
`const log = console.log`). Assigning to it (`console.log = noop`), `typeof`, `delete`
and reading its other properties (`console.log.name`) do not write to the console."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.plugins import Invalid, ParsedFile, Valid
from rules.javascript._logger_config import METHODS
from rules.javascript.scope import string_value

if TYPE_CHECKING:
    from tree_sitter import Node

How = Literal["call", "bind", "call-method", "apply", "value"]
_THROUGH: dict[str, How] = {"bind": "bind", "call": "call-method", "apply": "apply"}


@dataclass(frozen=True, slots=True)
class ConsoleUse:
    member: Node  # console.log / console["log"] / console[level]
    receiver: Node  # the `console` identifier
    method: Node  # its property or index
    name: str | None  # the method's name; None when computed (console[level])
    how: How
    call: Node | None  # the call: of the method, or of its bind/call/apply
    rejection_handler: bool = False  # passed as `.catch(h)` or `.then(_, h)`

    @property
    def shown(self) -> str:
        if self.name is None:
            return f"console[{_code(self.method)}]"
        return f"console.{self.name}"


def console_use(file: ParsedFile, member: Node) -> ConsoleUse | None:
    """The use of `member` when it is a console method (a global `console` is for the
    caller to check), else None."""
    receiver = member.child_by_field_name("object")
    if receiver is None or receiver.type != "identifier" or file.code(receiver) != "console":
        return None
    if member.type == "member_expression":
        method = member.child_by_field_name("property")
        if method is None or method.type != "property_identifier":
            return None
        name: str | None = file.code(method)
    else:
        method = member.child_by_field_name("index")
        if method is None:
            return None
        name = string_value(method) if method.type in {"string", "template_string"} else None
        if name is None and method.type in {"string", "template_string", "number"}:
            return None  # `console[`x${y}`]`... a literal, not a method name
    if name is not None and name not in METHODS:
        return None
    outer = _unwrapped(member)
    parent = outer.parent
    if parent is None:
        return None
    if parent.type == "call_expression" and _is(parent, "function", outer):
        return ConsoleUse(member, receiver, method, name, "call", parent)
    if parent.type in {"member_expression", "subscript_expression"} and _is(
        parent, "object", outer
    ):
        prop = parent.child_by_field_name("property")
        through = _THROUGH.get(_code(prop)) if prop is not None else None
        call = _unwrapped(parent).parent
        if (
            through is not None
            and call is not None
            and call.type == "call_expression"
            and _is(call, "function", _unwrapped(parent))
        ):
            return ConsoleUse(member, receiver, method, name, through, call)
        return None  # console.log.name, console.log.length...
    if parent.type in {"assignment_expression", "augmented_assignment_expression"} and _is(
        parent, "left", outer
    ):
        return None
    if parent.type == "unary_expression" and parent.child_by_field_name("operator") is not None:
        operator = parent.child_by_field_name("operator")
        if operator is not None and operator.type in {"typeof", "delete", "void"}:
            return None
    if _only_tested(outer):
        return None  # `if (console && console.error)`: a feature check, not a use
    return ConsoleUse(
        member, receiver, method, name, "value", None, _rejection_handler(file, outer)
    )


_LOGICAL = frozenset({"&&", "||", "??"})
_TESTS = {
    "if_statement": "condition",
    "while_statement": "condition",
    "do_statement": "condition",
    "for_statement": "condition",
    "ternary_expression": "condition",
}


def _only_tested(value: Node) -> bool:
    """Whether the value is only tested for truth: an operand of `&&`/`||`/`!` whose
    result is a condition or is thrown away (`console.error && console.error(e)`)."""
    node = value
    while node.parent is not None:
        parent = node.parent
        operator = parent.child_by_field_name("operator")
        if parent.type == "parenthesized_expression" or (
            parent.type == "binary_expression"
            and operator is not None
            and operator.type in _LOGICAL
            and (operator.type != "&&" or _is(parent, "left", node) or _tested(parent))
        ):
            node = parent
            continue
        if parent.type == "unary_expression" and operator is not None and operator.type == "!":
            return True
        break
    return _tested(node)


def _tested(node: Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "expression_statement":
        return True  # the result is thrown away: only the test mattered
    field = _TESTS.get(parent.type)
    if field is not None and _is(parent, field, node):
        return True
    return parent.type == "parenthesized_expression" and _tested(parent)


def _rejection_handler(file: ParsedFile, value: Node) -> bool:
    arguments = value.parent
    call = arguments.parent if arguments is not None else None
    if arguments is None or call is None or arguments.type != "arguments":
        return False
    function = call.child_by_field_name("function")
    prop = function.child_by_field_name("property") if function is not None else None
    if function is None or function.type != "member_expression" or prop is None:
        return False
    args = [a for a in arguments.named_children if a.type != "comment"]
    position = next((i for i, a in enumerate(args) if a.id == value.id), -1)
    return (file.code(prop), position) in {("catch", 0), ("then", 1)}


def _unwrapped(node: Node) -> Node:
    """`node`, or the outermost parentheses (and TypeScript `!`) around it."""
    while node.parent is not None and node.parent.type in {
        "parenthesized_expression",
        "non_null_expression",
    }:
        node = node.parent
    return node


def _is(parent: Node, field: str, child: Node) -> bool:
    value = parent.child_by_field_name(field)
    return value is not None and value.id == child.id


def _code(node: Node) -> str:
    return (node.text or b"").decode("utf-8")


_LOGGER = {"logger-import": "import { logger } from '@/lib/logger';"}

# Detection misses (the method computed, passed as a value, bound) and their fixes.
USE_EXAMPLES = (
    Invalid(
        "import { logger } from '@/lib/logger';\n\n"
        "save().catch(console.error).then(ok, console.warn);\n"
        "const log = console.log.bind(console, '[app]');\nconsole.info.call(console, 1);\n"
        "console.debug.apply(console, args);\n",
        fixed="import { logger } from '@/lib/logger';\n\n"
        "save().catch(logger.error.bind(logger)).then(ok, logger.warn.bind(logger));\n"
        "const log = logger.info.bind(logger, '[app]');\nlogger.info.call(logger, 1);\n"
        "logger.debug.apply(logger, args);\n",
        path="example.ts",
        options=_LOGGER,
        line=3,
        column=14,
        count=5,
    ),
    # No fix: a computed method has no logger method to go to; a method passed on as a
    # value loses `this`, and a bound copy is a new function (`off(h)` would not find it).
    Invalid(
        "import { logger } from '@/lib/logger';\n\nconsole[level](msg);\n"
        "emitter.on('warn', console.warn);\nemitter.off('warn', console.warn);\n"
        "const log = console.log;\nconst sinks = { error: console.error };\n"
        "console.log.bind(null);\n[1].forEach(console['log']);\n",
        path="example.ts",
        options=_LOGGER,
        line=3,
        column=1,
        count=7,
    ),
    Invalid("(console.log)('x');\nconsole.log!('y');\n", path="example.ts", count=2),
)

USE_VALID = (
    Valid(
        "console.log = () => {};\nconsole['error'] = noop;\nif (typeof console.log === 'function') {}\n"
        "delete console.warn;\nconst n = console.log.name;\nconsole.group('x');\n"
        "console[`time`]('t');\nconsole[0];\n",
        path="example.js",
    ),
)
