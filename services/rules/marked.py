"""A YAML document read safely (PyYAML's safe loader: plain values, no objects) into dicts,
lists and scalars, keeping the line each value starts on, so a problem found later, however
deep, names its line."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from services.errors import ErrorCode, InvalidInput

# Where a value is: mapping keys and list indexes (from 0) from the top of the document.
Path = tuple[str | int, ...]
# Aliases can repeat a part many times over; a real file has a few thousand values.
MAX_VALUES = 50_000
MAX_DEPTH = 20
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class FileInvalid(InvalidInput):
    """`line` (from 1; None for the file as a whole), `where` the part in the file's own terms
    ("rules.2.then.1.stage", counted from 1), `problem` what is wrong with it."""

    code = ErrorCode.RULES_FILE

    def __init__(self, line: int | None, where: Path, problem: str) -> None:
        super().__init__()
        self.line = line
        self.where = ".".join(str(part + 1) if isinstance(part, int) else part for part in where)
        self.key = next((part for part in reversed(where) if isinstance(part, str)), "")
        self.problem = problem

    def __str__(self) -> str:
        return f"line {self.line}, {self.where}: {self.problem}"


@dataclass
class Marked:
    data: object
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """The line of the value at `path`, else of the nearest part that holds it."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def invalid(self, path: Path, problem: str) -> FileInvalid:
        return FileInvalid(self.line(path), path, problem)


def read(text: str) -> Marked:
    """FileInvalid "syntax" (with the line YAML stopped at) for what is not YAML."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise FileInvalid(1, (), "not_mapping")
        marked = Marked(None)
        marked.data = _plain(loader, node, (), marked)
        return marked
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise FileInvalid(mark.line + 1 if mark else None, (), "syntax") from None
    except (yaml.YAMLError, ValueError, OverflowError):
        # A value YAML reads but Python cannot hold (a number of thousands of digits).
        raise FileInvalid(None, (), "syntax") from None
    finally:
        loader.dispose()


def _written_once(node: MappingNode, path: Path) -> None:
    """Each key a word (read as written: "yes:" or "1:" stay words), and written once."""
    seen: set[str] = set()
    for key_node, _value in node.value:
        if not isinstance(key_node, ScalarNode):
            raise FileInvalid(key_node.start_mark.line + 1, path, "not_key")
        if key_node.tag == _MERGE:
            continue
        if key_node.value in seen:
            raise FileInvalid(key_node.start_mark.line + 1, (*path, key_node.value), "duplicate")
        seen.add(key_node.value)


def _plain(loader: yaml.SafeLoader, node: Node, path: Path, marked: Marked) -> object:
    line = node.start_mark.line + 1
    if len(path) > MAX_DEPTH or len(marked.lines) >= MAX_VALUES:
        raise FileInvalid(line, path, "too_big")
    marked.lines[path] = line
    if isinstance(node, MappingNode):
        _written_once(node, path)
        loader.flatten_mapping(node)
        mapping: dict[str, object] = {}
        # Merged keys (<<: *defaults) come first, so the mapping's own ones win.
        for key_node, value_node in node.value:
            key = str(key_node.value)
            mapping[key] = _plain(loader, value_node, (*path, key), marked)
            # A part is found at its key's line ("when:"), not the line its value starts on.
            marked.lines[(*path, key)] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, SequenceNode):
        return [
            _plain(loader, item, (*path, index), marked) for index, item in enumerate(node.value)
        ]
    if node.tag == _TIMESTAMP:
        # A date written without quotes is read as the text it is, as values are stored.
        return str(node.value)
    return loader.construct_object(node, deep=True)


def mapping_at(
    marked: Marked, value: object, path: Path, keys: frozenset[str]
) -> dict[str, object]:
    """A mapping whose keys are all among `keys`."""
    if not isinstance(value, dict):
        raise marked.invalid(path, "not_mapping")
    for key in value:
        if key not in keys:
            raise marked.invalid((*path, key), "unexpected")
    return value


def list_at(marked: Marked, value: object, path: Path) -> list[object]:
    if not isinstance(value, list):
        raise marked.invalid(path, "not_list")
    return value
