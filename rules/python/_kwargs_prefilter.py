"""Cheap checks on the `ast` tree that rule out files the kwargs rules cannot report on.

A `def` with a `**` parameter is in about 30 % of a framework's files, but a finding needs
much more: for `ignored-kwargs`, a parameter read by a literal key and not used in any
other way in its function's own scope; for `unvalidated-kwargs`, something in the file that
can receive a whole mapping (`setattr`, `__dict__`, `vars`, a call with `**` or `defaults=`
to a name shaped like a configured sink, a model or a class of the file). Each check errs
towards True: it only says False where `_kwargs_ast_flow`'s analysis could find nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from auditor.plugins import AstIndex, child_nodes, subtree
from rules.python._kwargs_ast_sinks import TRIVIAL_BASES, derived_classes
from rules.python._kwargs_ast_syntax import FIELD_KEYWORDS, KEY_METHODS, matches, names_class

_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.GeneratorExp,
    ast.DictComp,
)

Function = ast.FunctionDef | ast.AsyncFunctionDef


def kwargs_functions(tree: AstIndex) -> Iterator[tuple[Function, str]]:
    """Public functions with a `**` parameter, and the parameter's name."""
    functions: list[Function] = [*tree.nodes(ast.FunctionDef), *tree.nodes(ast.AsyncFunctionDef)]
    for function in functions:
        kwarg = function.args.kwarg
        name = function.name
        if kwarg is not None and (not name.startswith("_") or name == "__init__"):
            yield function, kwarg.arg


def may_ignore_kwargs(tree: AstIndex) -> bool:
    """Whether some public function reads its `**` parameter by a literal key and uses it
    in no other way in its own scope (any other use, or a rebinding, clears it), and is
    not a method that may override one of a base class defined elsewhere (hooks receive
    every option by design)."""
    functions = list(kwargs_functions(tree))
    if not functions:
        return False  # before reading every subscript, call and comparison
    read = _key_read_names(tree)
    candidates = [(f, name) for f, name in functions if name in read]
    if not candidates:
        return False
    overriding = _may_override(tree)
    return any(id(f) not in overriding and _only_read_by_key(f, name) for f, name in candidates)


def _key_read_names(tree: AstIndex) -> set[str]:
    """The names read by a literal key anywhere in the module (`_key_read_bases` of the
    whole module, from the index): a function whose parameter is not one has no such read."""
    found: set[str] = set()
    for sub in tree.nodes(ast.Subscript):
        if isinstance(sub.value, ast.Name) and _is_str(sub.slice):
            found.add(sub.value.id)
    for call in tree.nodes(ast.Call):
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in KEY_METHODS
            and isinstance(func.value, ast.Name)
            and call.args
            and _is_str(call.args[0])
        ):
            found.add(func.value.id)
    for compare in tree.nodes(ast.Compare):
        right = compare.comparators[0]
        if (
            len(compare.ops) == 1
            and isinstance(compare.ops[0], ast.In | ast.NotIn)
            and _is_str(compare.left)
            and isinstance(right, ast.Name)
        ):
            found.add(right.id)
    return found


def _may_override(tree: AstIndex) -> set[int]:
    """Methods (other than `__init__`) of classes with a base defined in another module."""
    local = {c.name for c in tree.nodes(ast.ClassDef)}
    found: set[int] = set()
    for owner in tree.nodes(ast.ClassDef):
        if any(_foreign_base(base, local) for base in owner.bases):
            found.update(
                id(s)
                for s in owner.body
                if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef) and s.name != "__init__"
            )
    return found


def _foreign_base(base: ast.expr, local: set[str]) -> bool:
    name = _callee(base)
    return name is not None and name not in local and name not in TRIVIAL_BASES


def _only_read_by_key(function: Function, name: str) -> bool:
    reads = {id(base) for base in _key_read_bases(function, name)}
    if not reads:
        return False
    return all(id(node) in reads for node in _own_names(function.body, name))


def _key_read_bases(function: Function, name: str) -> Iterator[ast.Name]:
    """The `kwargs` of `kwargs["k"]`, `kwargs.get("k")` (pop, setdefault), `"k" in kwargs`,
    nested scopes included."""
    for node in subtree(function):
        if isinstance(node, ast.Subscript):
            if _is_name(node.value, name) and _is_str(node.slice):
                yield node.value  # type: ignore[misc]
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in KEY_METHODS
                and _is_name(func.value, name)
                and node.args
                and _is_str(node.args[0])
            ):
                yield func.value  # type: ignore[misc]
        elif isinstance(node, ast.Compare) and (
            len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and _is_str(node.left)
            and _is_name(node.comparators[0], name)
        ):
            yield node.comparators[0]  # type: ignore[misc]


def _own_names(statements: Sequence[ast.stmt], name: str) -> Iterator[ast.Name]:
    """Occurrences of `name` in the function's own scope, nested scopes left out."""
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            if node.id == name:
                yield node
        elif not isinstance(node, _NESTED_SCOPES):
            pending.extend(child_nodes(node))


def may_mass_assign(
    tree: AstIndex, sinks: Sequence[str], classes: Sequence[str], model_bases: Sequence[str]
) -> bool:
    """Whether something that can receive a whole mapping is in a top-level statement
    with a public function that has a `**` parameter: the analysis follows the mapping
    through that function and, once stored on `self`, through its class's methods.
    `sinks`: the sink call patterns; `classes`: the `models` option's class patterns;
    `model_bases`: the bases that make a class of the file a model."""
    regions = _regions(tree)
    if not regions:
        return False
    # Looked up for every call and subscript of the module: a line's membership, not a
    # scan of the regions.
    lines = frozenset(line for first, last in regions for line in range(first, last + 1))

    def inside(node: ast.expr) -> bool:
        return node.lineno in lines

    calls = [call for call in tree.nodes(ast.Call) if inside(call)]
    if any(_updates_namespace(call) for call in calls):
        return True
    # Field by field, the key a loop variable: `for k, v in kwargs.items(): setattr(o, k, v)`
    # or `o.__dict__[k] = v`.
    keys = [(key, call.lineno) for call in calls if (key := _setattr_key(call)) is not None]
    keys += [
        (n.slice.id, n.lineno)
        for n in tree.nodes(ast.Subscript)
        if isinstance(n.value, ast.Attribute)
        and n.value.attr == "__dict__"
        and isinstance(n.slice, ast.Name)
        and inside(n)
    ]
    if keys:
        loops = _loops(tree)
        if any(
            first <= line <= last and key in names
            for key, line in keys
            for first, last, names in loops
        ):
            return True
    # A call of a sink, a model or a class of the file (what `Sinks.sink` accepts, before
    # shadowing is considered), directly or through a local alias (`save =
    # X.objects.create`).
    local = _local_models(tree, model_bases)

    def sink_like(expr: ast.expr) -> bool:
        callee = _callee(expr)
        if callee is None:
            return False
        if matches(callee, sinks):
            return True
        return not callee.endswith(")") and (callee in local or names_class(callee, classes))

    bindings: list[tuple[Sequence[ast.expr], ast.expr | None]] = [
        *((node.targets, node.value) for node in tree.nodes(ast.Assign)),
        *(((node.target,), node.value) for node in tree.nodes(ast.AnnAssign)),
        *(((node.target,), node.value) for node in tree.nodes(ast.NamedExpr)),
    ]
    aliases = {
        target.id
        for targets, value in bindings
        if value is not None and sink_like(value)
        for target in targets
        if isinstance(target, ast.Name)
    }
    return any(
        any(k.arg is None or k.arg in FIELD_KEYWORDS for k in call.keywords)
        and (sink_like(call.func) or _name_of(call.func) in aliases)
        and inside(call)
        for call in tree.nodes(ast.Call)
    )


def _regions(tree: AstIndex) -> list[tuple[int, int]]:
    """The line ranges of the top-level statements holding a public `**` function."""
    functions = [f for f, _name in kwargs_functions(tree)]
    regions = []
    for statement in tree.tree.body:
        first = min(
            (d.lineno for d in getattr(statement, "decorator_list", ())), default=statement.lineno
        )
        last = statement.end_lineno or statement.lineno
        if any(first <= f.lineno <= last for f in functions):
            regions.append((first, last))
    return regions


def _updates_namespace(call: ast.Call) -> bool:
    """`o.__dict__.update(...)`, `vars(o).update(...)`."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr != "update":
        return False
    receiver = func.value
    return (isinstance(receiver, ast.Attribute) and receiver.attr == "__dict__") or (
        isinstance(receiver, ast.Call) and _callee(receiver.func) == "vars"
    )


def _setattr_key(call: ast.Call) -> str | None:
    """The variable naming the attribute in `setattr(o, key, v)`,
    `object.__setattr__(o, key, v)` or `o.__setattr__(key, v)`."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "setattr":
        position = 1
    elif isinstance(func, ast.Attribute) and func.attr == "__setattr__":
        position = 1 if _callee(func) == "object.__setattr__" else 0
    else:
        return None
    key = call.args[position] if len(call.args) > position else None
    return key.id if isinstance(key, ast.Name) else None


def _loops(tree: AstIndex) -> list[tuple[int, int, set[str]]]:
    """The line ranges of `for` loops and comprehensions, with the names they bind."""
    loops: list[ast.For | ast.AsyncFor] = [*tree.nodes(ast.For), *tree.nodes(ast.AsyncFor)]
    found = [(n.lineno, n.end_lineno or n.lineno, _names(n.target)) for n in loops]
    comprehensions: list[ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp] = [
        *tree.nodes(ast.ListComp),
        *tree.nodes(ast.SetComp),
        *tree.nodes(ast.GeneratorExp),
        *tree.nodes(ast.DictComp),
    ]
    for comp in comprehensions:
        names = set().union(*(_names(g.target) for g in comp.generators))
        found.append((comp.lineno, comp.end_lineno or comp.lineno, names))
    return found


def _names(target: ast.expr) -> set[str]:
    return {n.id for n in subtree(target) if isinstance(n, ast.Name)}


def _local_models(tree: AstIndex, model_bases: Sequence[str]) -> frozenset[str]:
    """The classes of the file that are models (`ClassTable.derived`, on the `ast` tree)."""
    bases: dict[str, set[str]] = {}
    for node in tree.nodes(ast.ClassDef):
        bases.setdefault(node.name, set()).update(
            name for base in node.bases if (name := _callee(base)) is not None
        )
    return derived_classes(bases, model_bases)


def _callee(expr: ast.expr) -> str | None:
    """`_kwargs_ast_syntax.dotted`: `a.b.c`, a call in the chain written `f()`."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _callee(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    if isinstance(expr, ast.Call):
        base = _callee(expr.func)
        return None if base is None else f"{base}()"
    return None


def _name_of(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


def _is_name(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _is_str(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str)
