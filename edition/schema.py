"""A small self-documenting schema language for YAML files, with line numbers.

A schema is built from ``Field``s grouped in ``Map``s and ``List``s.  Validation
walks the YAML *node* tree (``yaml.compose``), so every error can name the
line it comes from, collects all errors instead of stopping at the first, and
rejects unknown keys.  ``describe(schema)`` prints the documentation that the
``check --schema`` command shows.

    >>> s = Map({"title": Field(str, "The title")})
    >>> data, errors = validate_text("title: 3\\nextra: x\\n", s, "m.yml")
    >>> [str(e) for e in errors]
    ['m.yml:1: title: expected text, got int', "m.yml:2: unknown key 'extra' (allowed: title)"]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from .inputs import RESERVED_RE

@dataclass
class SchemaError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Field:
    """A scalar (or any nested schema via ``of``) with its documentation."""

    type: Any
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple | None = None
    check: Callable[[Any], str | None] | None = None   # returns an error text


@dataclass
class Map:
    fields: dict[str, Any]
    doc: str = ""
    required: bool = False
    default: Any = None


@dataclass
class List:
    item: Any
    doc: str = ""
    required: bool = False
    default: Any = field(default_factory=list)


_TYPE_NAMES = {str: "text", int: "integer", bool: "true/false", float: "number"}


class Located(dict):
    """A dict that remembers the source line of itself and of each key."""

    line: int = 0
    key_lines: dict


class LocatedList(list):
    line: int = 0


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar node, resolved as yaml.safe_load would."""
    return _CONSTRUCTOR.construct_object(node, deep=True)


def _is_null(node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _validate(node, schema, where: str, path: str, errors: list[SchemaError]):
    line = node.start_mark.line + 1
    if isinstance(schema, (Map, List)) and _is_null(node) and not schema.required:
        return schema.default if not isinstance(schema.default, list) else list(schema.default)
    if isinstance(schema, Map):
        if not isinstance(node, yaml.MappingNode):
            errors.append(SchemaError(path, line, f"{where or 'document'}: expected a mapping"))
            return None
        out = Located()
        out.line, out.key_lines = line, {}
        for knode, vnode in node.value:
            key = _scalar(knode)
            kline = knode.start_mark.line + 1
            if key not in schema.fields:
                allowed = ", ".join(schema.fields)
                errors.append(SchemaError(path, kline, f"unknown key {key!r} (allowed: {allowed})"))
                continue
            if key in out:
                errors.append(SchemaError(path, kline, f"duplicate key {key!r}"))
                continue
            sub = f"{where}.{key}" if where else key
            out[key] = _validate(vnode, schema.fields[key], sub, path, errors)
            out.key_lines[key] = kline
        for key, sub in schema.fields.items():
            if key not in out:
                if getattr(sub, "required", False):
                    name = f"{where}.{key}" if where else key
                    errors.append(SchemaError(path, line, f"missing required key {name!r}"))
                else:
                    out[key] = defaults(sub)
        return out
    if isinstance(schema, List):
        if not isinstance(node, yaml.SequenceNode):
            errors.append(SchemaError(path, line, f"{where}: expected a list"))
            return None
        out = LocatedList()
        out.line = line
        for i, item in enumerate(node.value):
            out.append(_validate(item, schema.item, f"{where}[{i}]", path, errors))
        return out
    # Field
    if not isinstance(node, yaml.ScalarNode):
        if isinstance(schema.type, (Map, List)):
            return _validate(node, schema.type, where, path, errors)
        errors.append(SchemaError(path, line, f"{where}: expected {_TYPE_NAMES.get(schema.type, schema.type)}"))
        return None
    value = _scalar(node)
    if isinstance(value, str) and RESERVED_RE.search(value):
        char = RESERVED_RE.search(value).group()
        errors.append(SchemaError(path, line, f"{where}: reserved character U+{ord(char):04X} in the value "
                                  f"starting at column {node.start_mark.column + 1} (private use: the edition "
                                  "uses it internally); remove it"))
        return None
    want = schema.type
    if want is float and isinstance(value, int):
        value = float(value)
    if want is str and isinstance(value, (int, float)) and not isinstance(value, bool) and node.style:
        value = str(value)
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        got = type(value).__name__ if value is not None else "nothing"
        errors.append(SchemaError(path, line, f"{where}: expected {_TYPE_NAMES.get(want, want)}, got {got}"))
        return None
    if schema.choices and value not in schema.choices:
        errors.append(SchemaError(path, line, f"{where}: {value!r} is not one of {', '.join(map(str, schema.choices))}"))
        return None
    if schema.check:
        problem = schema.check(value)
        if problem:
            errors.append(SchemaError(path, line, f"{where}: {problem}"))
            return None
    return value


def defaults(schema):
    """The value of an absent, optional key: its default; for a mapping whose keys
    are all optional, the mapping of their defaults (so ``notes.style`` is always there)."""
    if isinstance(schema, Map) and schema.default is None:
        if any(getattr(f, "required", False) for f in schema.fields.values()):
            return None
        out = Located()
        out.line, out.key_lines = 0, {}
        for key, sub in schema.fields.items():
            out[key] = defaults(sub)
        return out
    default = getattr(schema, "default", None)
    return list(default) if isinstance(default, list) else default


def validate_text(text: str, schema, path: str):
    """Validate YAML text; return ``(data, errors)``. Syntax errors are errors too."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        return None, [_syntax_error(exc, path)]
    if node is None:
        return None, [SchemaError(path, 1, "the file is empty")]
    errors: list[SchemaError] = []
    data = _validate(node, schema, "", path, errors)
    return data, errors


def _syntax_error(exc: yaml.YAMLError, path: str) -> SchemaError:
    """Where a YAML syntax error is: an unclosed bracket or quote is reported where it
    opens (the parser only notices on a later line); anything else where it was found.

    >>> str(validate_text("a: 1\\nb: [1\\nc: 2\\n", Map({}), "m.yml")[1][0])
    "m.yml:2: YAML syntax error: while parsing a flow sequence (line 2, column 4): did not find expected ',' or ']' (line 3, column 2)"
    """
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None) or ""
    if context_mark is not None and ("flow" in context or "quoted" in context):
        where = f"{context} (line {context_mark.line + 1}, column {context_mark.column + 1}): {problem}"
        if problem_mark is not None:
            where += f" (line {problem_mark.line + 1}, column {problem_mark.column + 1})"
        return SchemaError(path, context_mark.line + 1, f"YAML syntax error: {where}")
    if problem_mark is None:
        return SchemaError(path, 1, f"YAML syntax error: {problem}")
    return SchemaError(path, problem_mark.line + 1,
                       f"YAML syntax error: {problem} (column {problem_mark.column + 1})")


def is_regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return None


def describe(schema, indent: int = 0, name: str = "") -> str:
    """Render the schema as indented documentation (for ``check --schema``)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(schema, Map):
        if name:
            lines.append(f"{pad}{name}: (mapping{', required' if schema.required else ''}) {schema.doc}".rstrip())
        for key, sub in schema.fields.items():
            lines.append(describe(sub, indent + (1 if name else 0), key))
    elif isinstance(schema, List):
        lines.append(f"{pad}{name}: (list{', required' if schema.required else ''}) {schema.doc}".rstrip())
        lines.append(describe(schema.item, indent + 1, "- item"))
    else:
        if isinstance(schema.type, (Map, List)):
            return describe(schema.type, indent, name)
        t = _TYPE_NAMES.get(schema.type, str(schema.type))
        extra = []
        if schema.required:
            extra.append("required")
        if schema.choices:
            extra.append("one of " + "|".join(map(str, schema.choices)))
        if schema.default not in (None, [], ""):
            extra.append(f"default {schema.default!r}")
        lines.append(f"{pad}{name}: ({t}{', ' + ', '.join(extra) if extra else ''}) {schema.doc}")
    return "\n".join(lines)
