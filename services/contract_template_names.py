"""What a contract template may name, and the names a parsed template uses. A name is the path
from a variable through constant attributes and subscripts (`fields["size"]` is `fields.size`);
a loop over `items` binds its variable to an item. Everything else a template reaches for is
named as it is written and not allowed, so a reach into Python's insides (`''.__class__`) or
a method call (`customer.name.upper()`) is named too."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from jinja2 import nodes

CUSTOMER = ("name", "phone", "email")
DEAL = ("number", "title", "total", "subtotal", "discount", "vat", "date", "manager", "stage")
COMPANY = ("name", "address", "tax_number", "bank", "footer")
ITEM = ("position", "name", "code", "quantity", "unit", "price", "discount", "amount")
FIELDS = "fields"
ITEMS = "items"
TODAY = "today"
_MAPPINGS = {"customer": CUSTOMER, "deal": DEAL, "company": COMPANY}
_DYNAMIC = "[]"
# What a name bound inside the template stands for.
_ITEM, _LOCAL = "item", "local"


@dataclass(frozen=True)
class Name:
    path: tuple[str, ...]
    allowed: bool

    @property
    def dotted(self) -> str:
        return ".".join(self.path).replace("." + _DYNAMIC, _DYNAMIC)

    @property
    def unsafe(self) -> bool:
        """Reaches for a private or special attribute, the way out of a sandbox."""
        return any(part.startswith("_") for part in self.path)


def used(trees: Iterable[nodes.Node], field_keys: Collection[str]) -> list[Name]:
    """Every use of a name, in the order the templates hold them; names the template binds
    itself (`{% set %}`, a loop's variable) only where an attribute of one is taken."""
    walk = _Walk(frozenset(field_keys))
    for tree in trees:
        walk.node(tree, {})
    return walk.found


class _Walk:
    def __init__(self, field_keys: frozenset[str]) -> None:
        self.field_keys = field_keys
        self.found: list[Name] = []

    def node(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, nodes.For):
            self.node(node.iter, scope)
            over_items = isinstance(node.iter, nodes.Name) and node.iter.name == ITEMS
            inner = scope | dict.fromkeys(_bound(node.target), _ITEM if over_items else _LOCAL)
            for child in (*([node.test] if node.test else []), *node.body):
                self.node(child, inner)
            for child in node.else_:
                self.node(child, scope)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            for child in [node.node] if isinstance(node, nodes.Assign) else node.body:
                self.node(child, scope)
            # As in Jinja, a name set inside a loop is gone after it; elsewhere it stays.
            scope.update(dict.fromkeys(_bound(node.target), _LOCAL))
        elif isinstance(node, nodes.Name) and node.ctx != "load":
            return
        elif (found := _path(node)) is not None:
            path, inside = found
            if not (scope.get(path[0]) == _LOCAL and len(path) == 1):
                self.found.append(Name(path, self._allowed(path, scope)))
            for child in inside:
                self.node(child, scope)
        else:
            for child in node.iter_child_nodes():
                self.node(child, scope)

    def _allowed(self, path: tuple[str, ...], scope: dict[str, str]) -> bool:
        head, rest = path[0], path[1:]
        if scope.get(head) == _ITEM:
            return len(rest) == 1 and rest[0] in ITEM
        if head in scope:
            return not rest
        if head == FIELDS:
            return len(rest) == 1 and rest[0] in self.field_keys
        if head in _MAPPINGS:
            return len(rest) == 1 and rest[0] in _MAPPINGS[head]
        return head in (ITEMS, TODAY) and not rest


def _bound(target: nodes.Node) -> list[str]:
    names = [target] if isinstance(target, nodes.Name) else target.find_all(nodes.Name)
    return [name.name for name in names]


def _path(node: nodes.Node) -> tuple[tuple[str, ...], list[nodes.Node]] | None:
    """The name `node` reads and the expressions inside it still to look at (a computed
    subscript, what an attribute is taken of when that is no name)."""
    if isinstance(node, nodes.Name):
        return (node.name,), []
    inside: list[nodes.Node] = []
    if isinstance(node, nodes.Getattr):
        key = node.attr
    elif isinstance(node, nodes.Getitem):
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str | int):
            key = str(arg.value)
        else:
            key, inside = _DYNAMIC, [arg]
    else:
        return None
    base = _path(node.node)
    if base is not None:
        return (*base[0], key), [*base[1], *inside]
    if isinstance(node.node, nodes.Const):
        return (repr(node.node.value), key), inside
    return ("(…)", key), [node.node, *inside]
