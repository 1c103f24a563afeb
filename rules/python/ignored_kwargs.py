"""ignored-kwargs: `**kwargs` read only by literal keys, so unknown keywords vanish."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.plugins import (
    AstIndex,
    Fixed,
    FixTarget,
    Invalid,
    Offer,
    RuleContext,
    Severity,
    Valid,
)
from rules._docs import rule_url
from rules.python._kwargs_ast_calls import CallSites, is_receiver, local_helper, named_params
from rules.python._kwargs_ast_family import family_reason
from rules.python._kwargs_ast_flow import analyse
from rules.python._kwargs_ast_rule import KwargsRule
from rules.python._kwargs_ast_sinks import LazyNames, Sinks
from rules.python._kwargs_ast_syntax import Function, bound_names, quoted
from rules.python._kwargs_prefilter import may_ignore_kwargs

# The check relies on these builtins; a module or function rebinding one gets no fix.
BUILTINS_USED = frozenset({"set", "sorted", "TypeError"})


@dataclass(frozen=True, slots=True)
class _Check:
    """What the fix writes: the allow-list of `**param`, named after `qualname`."""

    param: str
    keys: tuple[str, ...]
    qualname: str


class IgnoredKwargs(KwargsRule):
    """Finds public functions (a name without a leading underscore, or `__init__`) whose
    `**kwargs` is only read by literal keys (`kwargs.get("a")`, `kwargs["b"]`,
    `kwargs.pop("c")`, `"d" in kwargs`) and never passed on, iterated or stored.

    Why: Python rejects an unknown keyword argument with `TypeError`; such a function
    accepts it and silently ignores it, so `book(romm=12)` runs without the room and the
    typo surfaces much later, if ever.

        def book(**kwargs):
            room = kwargs.get("room")

    Not findings, because their callers pass more keywords than they read by design: a
    parameter that is never used (signature compatibility); a method that may override a
    base class's (a base defined in another module, or one here with that method: hooks
    such as `Command.handle(**options)` receive every option); a signal receiver
    (`@receiver(...)`, a `sender` parameter, or passed to `.connect(...)`: signals may add
    arguments); a function this module calls with other keywords or with a `**` mapping.
    Nor is a parameter annotated `**kwargs: Unpack[TypedDict]`.

    Fix (unsafe): insert, at the top of the body (after the docstring), a check that
    raises `TypeError` naming the unexpected keyword arguments, allowing exactly the keys
    the body reads:

        def book(**kwargs):
            unexpected = set(kwargs) - {"room"}
            if unexpected:
                raise TypeError(f"book() got unexpected keyword arguments: {sorted(unexpected)}")
            room = kwargs.get("room")

    Unsafe because the allow-list is inferred: callers passing other keywords on purpose
    (an override called with its base class's keywords) now fail. Better still, name the
    parameters (`def book(*, room=None)`).

    No fix, though still a finding, where the function may be one of a family chosen at
    run time and called with one shared `**kwargs` (solvers picked from a dict, each
    reading its own keys): a sibling function, or the same method of another class, has
    the same signature, or the function or its class is used as a value (put in a dict
    or list, assigned, returned, passed) rather than only called. Each member rejecting
    the others' keys would break the dispatch; a misspelt key is still ignored by all of
    them, so the finding stays. Callers in other modules cannot be seen: check them
    before applying the fix.
    """

    id = "ignored-kwargs"
    url = rule_url(id)
    severity = Severity.MEDIUM
    message = "`**kwargs` is only read by literal keys; unknown keyword arguments are ignored"
    fix_applicability = "unsafe"
    fix_description = "raise TypeError on unexpected keyword arguments"

    @classmethod
    def could_match(cls, tree: AstIndex, context: RuleContext) -> bool:
        return may_ignore_kwargs(tree)

    def prepare(self, module: ast.Module) -> None:
        self._calls: CallSites | None = None  # only for the rare candidates
        self._module_names: frozenset[str] | None = None

    @property
    def calls(self) -> CallSites:
        if self._calls is None:
            self._calls = CallSites.of(self.nodes(ast.Call))
        return self._calls

    def module_names(self) -> frozenset[str]:
        """Names bound at the module's top level."""
        if self._module_names is None:
            self._module_names = frozenset(
                name
                for statement in self.tree.body
                for name in (
                    (statement.name,)
                    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                    else bound_names(statement)
                )
            )
        return self._module_names

    def check(self, function: Function, param: ast.arg, qualname: str, shadowed: LazyNames) -> None:
        use = analyse(function, param, Sinks(), shadowed, self.code)
        if use.other_use or use.rebound or not use.literal_keys:
            return
        if local_helper(function, self.stack[:-1]):  # last: it walks the outer function
            return
        if self._meant_to_ignore(function, use.literal_keys):
            return
        keys = sorted(use.literal_keys)
        shown = ", ".join(quoted(k) for k in keys)
        message = (
            f"`**{use.name}` of `{qualname}()` is only read by literal keys ({shown}); "
            "unknown or misspelt keyword arguments are silently ignored"
        )
        self._from_stars(param)
        if BUILTINS_USED & (self.module_names() | bound_names(function)):
            self.report(param, message)
            return
        family = family_reason(self.index, function, self.enclosing_class(directly=True))
        if family is not None:
            reason = f"{family}: it may be chosen at run time with keywords meant for another"
            self.report(param, f"{message} (no fix: {reason})")
            return
        self.report(
            param,
            message,
            fix=Offer(f"raise TypeError on keyword arguments other than {shown}", "unsafe"),
            data=_Check(use.name, tuple(keys), qualname),
        )

    def fix(self, target: FixTarget) -> Fixed | None:
        from rules.python._kwargs_edit import check_first

        data = target.data
        assert isinstance(data, _Check)
        return check_first(target, data.param, data.keys, data.qualname)

    def _from_stars(self, param: ast.arg) -> None:
        """The finding is `**name`, where the `ast` node is `name` and its annotation: the
        node is `**name` from now on (no other rule reports a `**` parameter)."""
        if getattr(param, "_kwargs_stars", False):
            return
        star = self.star_span(param).start
        between = self.text[star : self.span(param).start]
        breaks = between.count("\n") + between.count("\r") - between.count("\r\n")
        line = param.lineno - breaks
        code = self.lines[line - 1]
        column = len(code.rstrip(" \t\f\\")) - 2 if breaks else param.col_offset - len(between)
        if breaks:
            column = len(code[:column].encode("utf-8"))
        # LibCST's `Param` ends with the name, without the annotation.
        name_end = param.col_offset + len(param.arg.encode("utf-8"))
        param.end_lineno, param.end_col_offset = param.lineno, name_end
        param.lineno, param.col_offset = line, column
        param._kwargs_stars = True  # type: ignore[attr-defined]

    def _meant_to_ignore(self, function: Function, keys: Sequence[str]) -> bool:
        """Functions whose callers pass more keywords than they read, by design: an
        override of a hook the base class calls with every option (`Command.handle`), a
        signal receiver (signals may add arguments), a function this module calls with
        other keywords or a `**` mapping (`get_context_data(item=..., request=...)`)."""
        name = function.name
        owner = self.enclosing_class(directly=True)
        if owner is not None and name != "__init__":
            cls = owner.name
            if self.classes.may_override(cls, name) or self.classes.overridden(cls, name):
                return True
        if is_receiver(function) or name in self.calls.connected:
            return True
        if name in self.calls.splatted:
            return True
        named = {p.arg for p in named_params(function)}
        return bool(self.calls.keywords.get(name, set()) - named - set(keys))

    VALID = (
        Valid(
            "def test_inventory():\n"
            "    def read(path, **more):\n"
            "        return path, more.get('default')\n"
            "    assert read('a', default=1)\n"
        ),
        # Passed on, stored or iterated: not ignored.
        Valid("def f(**kwargs):\n    a = kwargs.get('a')\n    return g(a, **kwargs)\n"),
        Valid(
            "class A:\n    def __init__(self, **kw):\n        self.b = kw['b']\n        self.kw = kw\n"
        ),
        Valid("def f(**kwargs):\n    for key in kwargs:\n        print(kwargs['a'], key)\n"),
        Valid("def f(**kwargs):\n    if kwargs.get('a'):\n        return len(kwargs)\n"),
        # Read by a key that is not a literal.
        Valid("def f(**kwargs):\n    return kwargs.get(KEY)\n"),
        # Never used: kept for signature compatibility.
        Valid("def receiver(sender, **kwargs):\n    log(sender)\n"),
        # Private functions; Unpack[TypedDict].
        Valid("def _f(**kwargs):\n    return kwargs.get('a')\n"),
        Valid("def f(**kwargs: Unpack[Options]):\n    return kwargs.get('a')\n"),
        # Rebound before use.
        Valid("def f(**kwargs):\n    kwargs = dict(DEFAULTS)\n    return kwargs['a']\n"),
        # A copy is a use: what the copy does is not followed.
        Valid("def f(**kwargs):\n    options = dict(kwargs)\n    return options['a']\n"),
        # Closure use in a nested function that passes it on.
        Valid(
            "def f(**kwargs):\n    a = kwargs.get('a')\n"
            "    def g():\n        return h(**kwargs)\n    return g\n"
        ),
        # Already checked (what the fix writes).
        Valid(
            "def f(**kwargs):\n    unexpected = set(kwargs) - {'a'}\n    if unexpected:\n"
            "        raise TypeError(unexpected)\n    return kwargs.get('a')\n"
        ),
        # Callers pass more than the function reads, by design.
        Valid(
            """
            class Command(BaseCommand):
                def handle(self, *args, **options):
                    return options["database"]
            """
        ),
        Valid(
            """
            class Base:
                def render(self, **context):
                    return context.get("title")

            class Page(Base):
                def render(self, **context):
                    return context.get("body")
            """
        ),
        Valid(
            """
            @receiver(post_save)
            def on_save(**kwargs):
                log(kwargs["instance"])

            def on_delete(sender, **kwargs):
                log(kwargs["instance"])

            def on_login(**kwargs):
                log(kwargs["user"])

            user_logged_in.connect(on_login)
            """
        ),
        Valid(
            """
            class Feed:
                def get_context_data(self, **kwargs):
                    return {"item": kwargs.get("item")}

                def render(self, item, request):
                    return self.get_context_data(item=item, request=request)
            """
        ),
        # locals() lets every variable escape.
        Valid("def f(**kwargs):\n    a = kwargs.get('a')\n    return render(locals())\n"),
    )

    INVALID = (
        # One of a family chosen at run time: still a finding, but no allow-list.
        Invalid(
            """
            class Newton:
                def __init__(self, f, **options):
                    self.tol = options.get("tol")

            SOLVERS = {"newton": Newton}
            """,
            line=2,
            column=27,
        ),
        Invalid(
            "def newton(f, **options):\n    return options.get('tol')\n\n\n"
            "def bisect(f, **options):\n    return options.get('steps')\n",
            count=2,
        ),
        Invalid(
            """
            def book(room, **kwargs):
                notes = kwargs.get("notes", "")
                if "urgent" in kwargs:
                    notify(kwargs["urgent"])
                return Booking(room, notes, kwargs.pop("guests", 1))
            """,
            fixed="""
            def book(room, **kwargs):
                unexpected = set(kwargs) - {"guests", "notes", "urgent"}
                if unexpected:
                    raise TypeError(f"book() got unexpected keyword arguments: {sorted(unexpected)}")
                notes = kwargs.get("notes", "")
                if "urgent" in kwargs:
                    notify(kwargs["urgent"])
                return Booking(room, notes, kwargs.pop("guests", 1))
            """,
            line=1,
            column=16,
        ),
        # After the docstring; comments and blank lines stay with their statement.
        Invalid(
            '''
            def book(**kw):
                """Book a room."""

                # the room is required
                return kw["room"]
            ''',
            fixed='''
            def book(**kw):
                """Book a room."""
                unexpected = set(kw) - {"room"}
                if unexpected:
                    raise TypeError(f"book() got unexpected keyword arguments: {sorted(unexpected)}")

                # the room is required
                return kw["room"]
            ''',
        ),
        # A one-line suite becomes a block; a method is named by its qualified name; a
        # local `unexpected` is not clobbered.
        Invalid(
            """
            class Service:
                def book(self, unexpected=None, **kwargs): return kwargs.get('room')  # why
            """,
            fixed="""
            class Service:
                def book(self, unexpected=None, **kwargs):
                    unexpected_kwargs = set(kwargs) - {"room"}
                    if unexpected_kwargs:
                        raise TypeError(f"Service.book() got unexpected keyword arguments: {sorted(unexpected_kwargs)}")
                    return kwargs.get('room')  # why
            """,
            line=2,
            column=37,
        ),
        # `__init__` is public; a nested function reads its enclosing kwargs by key.
        Invalid(
            "class A:\n\tdef __init__(self, **kw):\n\t\tdef get():\n\t\t\treturn kw.get('x')\n"
            "\t\tself.get = get\n",
            fixed='class A:\n\tdef __init__(self, **kw):\n\t\tunexpected = set(kw) - {"x"}\n'
            '\t\tif unexpected:\n\t\t\traise TypeError(f"A.__init__() got unexpected keyword'
            ' arguments: {sorted(unexpected)}")\n'
            "\t\tdef get():\n\t\t\treturn kw.get('x')\n\t\tself.get = get\n",
        ),
        Invalid(
            "def outer():\r\n    def inner(**kw):\r\n        del kw['a']\r\n    return inner\r\n",
            fixed='def outer():\r\n    def inner(**kw):\r\n        unexpected = set(kw) - {"a"}\r\n'
            '        if unexpected:\r\n            raise TypeError(f"outer.<locals>.inner() got'
            ' unexpected keyword arguments: {sorted(unexpected)}")\r\n'
            "        del kw['a']\r\n    return inner\r\n",
            line=2,
        ),
        # A docstring in a one-line suite stays first.
        Invalid(
            "def f(**kw): 'Doc.'; return kw['a']\n",
            fixed="def f(**kw):\n    'Doc.'\n    unexpected = set(kw) - {\"a\"}\n"
            '    if unexpected:\n        raise TypeError(f"f() got unexpected keyword arguments:'
            " {sorted(unexpected)}\")\n    return kw['a']\n",
        ),
        # `__init__` is checked even with a base from elsewhere: the base never calls it;
        # callers passing only known keys do not hide the finding.
        Invalid(
            """
            class Point(Geometry):
                def __init__(self, *coords, **kwargs):
                    self.srid = kwargs.get("srid")

            origin = Point(0, 0, srid=4326)
            """,
            fixed="""
            class Point(Geometry):
                def __init__(self, *coords, **kwargs):
                    unexpected = set(kwargs) - {"srid"}
                    if unexpected:
                        raise TypeError(f"Point.__init__() got unexpected keyword arguments: {sorted(unexpected)}")
                    self.srid = kwargs.get("srid")

            origin = Point(0, 0, srid=4326)
            """,
            line=2,
        ),
        # A module that rebinds a builtin the check needs gets the finding, no fix.
        Invalid("sorted = None\n\ndef f(**kw):\n    return kw['a']\n", line=3),
    )
