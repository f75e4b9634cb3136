"""Walks a composed YAML node tree against the schema, collecting every problem with its line.

Cross-field rules (domain shape, discovery, threshold order...) live in ``rules`` and
are handed in as checks per dataclass, run on each section that read cleanly.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from hcpdash.config.problems import Problem
from hcpdash.config.schema import Config
from hcpdash.config.secrets import Secret
from hcpdash.config.sizes import ByteSize, parse_byte_size

# A rule run on a section that read cleanly: (reader, its mapping node, the instance, its key path).
SectionCheck = Callable[["SchemaReader", yaml.MappingNode, Any, str], None]


class SchemaReader:
    """Walks a composed YAML node tree against the dataclass schema."""

    def __init__(self, filename: str, checks: Mapping[type, SectionCheck] | None = None) -> None:
        self.filename = filename
        self.checks = dict(checks or {})
        self.problems: list[Problem] = []
        self.inline_secrets: list[int] = []

    def problem(self, node: yaml.Node | None, path: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.filename, line, path, message))

    # -- dispatch on the annotated type

    def read(self, node: yaml.Node, tp: Any, path: str) -> Any:
        origin = typing.get_origin(tp)
        if origin in (types.UnionType, typing.Union):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                return None
            listed = isinstance(node, yaml.SequenceNode)
            args = [a for a in args if (typing.get_origin(a) is tuple) == listed] or args
            return self.read(node, args[0], path)
        if tp is Secret:
            return self.read_secret(node, path)
        if dataclasses.is_dataclass(tp):
            return self.read_section(node, tp, path)
        if origin is tuple:
            return self.read_list(node, typing.get_args(tp)[0], path)
        if origin is dict:
            return self.read_str_map(node, path)
        if origin is Literal:
            value = self.read_scalar(node, str, path)
            choices = typing.get_args(tp)
            if value is not None and value not in choices:
                self.problem(node, path, f"must be one of {', '.join(choices)} (got {value!r})")
                return None
            return value
        return self.read_scalar(node, tp, path)

    def read_scalar(self, node: yaml.Node, tp: Any, path: str) -> Any:
        names = {bool: "a boolean (true or false)", int: "an integer", float: "a number", str: "a string",
                 Path: "a file path", ByteSize: "a size such as 10 GB or a number of bytes"}
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, f"must be {names[tp]}, not a {'list' if isinstance(node, yaml.SequenceNode) else 'mapping'}")
            return None
        value = construct(node)
        if isinstance(value, Unreadable):
            self.problem(node, path, f"not a valid YAML value: {value.reason}")
            return None
        if isinstance(value, str) and (control := _control_character(value)):
            self.problem(node, path, f"must not contain control characters (found {control})")
            return None
        if tp is ByteSize:
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                return ByteSize(value)
            if isinstance(value, str):
                try:
                    return ByteSize(parse_byte_size(value))
                except (ValueError, OverflowError):
                    pass
            self.problem(node, path, f"must be {names[tp]} (got {shown(value)})")
            return None
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value) if abs(value) < 2**1023 else math.inf
        if tp is float and isinstance(value, float) and not math.isfinite(value):
            self.problem(node, path, f"must be a finite number (got {shown(value)})")
            return None
        if tp is Path and isinstance(value, str) and value:
            return Path(value).expanduser()
        expected = str if tp is Path else tp
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            self.problem(node, path, f"must be {names[tp]} (got {shown(value)})")
            return None
        return value

    def read_list(self, node: yaml.Node, item_tp: Any, path: str) -> tuple[Any, ...] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, "must be a list")
            return None
        items = [self.read(child, item_tp, f"{path}[{i}]") for i, child in enumerate(node.value)]
        return tuple(items)

    def read_str_map(self, node: yaml.Node, path: str) -> dict[str, str] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "must be a mapping")
            return None
        result: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = self.read_key(key_node, path)
            value = self.read_scalar(value_node, str, f"{path}.{key}") if key is not None else None
            if key is not None and value is not None:
                result[key] = value
        return result

    def read_key(self, node: yaml.Node, path: str) -> str | None:
        """A mapping key as text; a list, mapping or unreadable value used as a key is a problem."""
        name = key_name(node)
        if name is None:
            kind = {yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}.get(type(node), "this value")
            self.problem(node, path, f"{kind} cannot be used as a key; keys are names such as 'systems'")
        return name

    def read_secret(self, node: yaml.Node, path: str) -> Secret | None:
        if isinstance(node, yaml.ScalarNode):
            value = construct(node)
            if not isinstance(value, str) or not value:
                self.problem(node, path, "must be a non-empty string, {env: VAR} or {command: [argv...]}")
                return None
            if _control_character(value):
                self.problem(node, path, "must not contain control characters")
                return None
            self.inline_secrets.append(node.start_mark.line + 1)
            return Secret("inline", (value,))
        if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
            key_node, value_node = node.value[0]
            key = self.read_key(key_node, path)
            if key is None:
                return None
            if key == "env":
                name = self.read_scalar(value_node, str, f"{path}.env")
                if name is not None and not _ENV_NAME.match(name):
                    self.problem(value_node, f"{path}.env", f"must name an environment variable (got {shown(name)})")
                    return None
                return Secret("env", (name,)) if name else None
            if key == "command":
                argv = self.read_list(value_node, str, f"{path}.command")
                if argv is not None and (not argv or not all(argv)):
                    self.problem(value_node, f"{path}.command", "must be a non-empty list of strings")
                    return None
                return Secret("command", argv) if argv else None
            self.problem(key_node, f"{path}.{key}", unknown_key_message(str(key), ["env", "command"]))
            return None
        self.problem(node, path, "must be a string, {env: VAR} or {command: [argv...]}")
        return None

    def read_section(self, node: yaml.Node, cls: type, path: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "must be a mapping")
            return None
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        broken = False
        for key_node, value_node in node.value:
            key = self.read_key(key_node, path)
            if key is None:
                broken = True
                continue
            child_path = f"{path}.{key}" if path else key
            if key not in fields:
                self.problem(key_node, child_path, unknown_key_message(str(key), list(fields)))
                continue
            if key in values:
                self.problem(key_node, child_path, "appears twice")
                continue
            value = self.read(value_node, hints[key], child_path)
            if isinstance(value, tuple) and None in value:
                broken = True
                continue
            if value is None and not allows_none(hints[key]):
                broken = True
                continue
            if value is not None and not self.check_bounds(value_node, fields[key], value, child_path):
                broken = True
                continue
            values[key] = value
        for name, f in fields.items():
            if name not in values and f.default is dataclasses.MISSING and not broken:
                self.problem(node, f"{path}.{name}" if path else name, "is required")
                broken = True
        if broken or any(f.default is dataclasses.MISSING and n not in values for n, f in fields.items()):
            return None
        if cls is Config and values.get("bindings") is None:
            values["bindings"] = {}
        instance = cls(**values)
        check = self.checks.get(cls)
        if check is not None:
            check(self, node, instance, path)
        return instance

    def check_bounds(self, node: yaml.Node, f: dataclasses.Field[Any], value: Any, path: str) -> bool:
        meta = f.metadata
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return True
        if meta.get("floor") is not None and value < meta["floor"]:
            self.problem(node, path, f"must be at least {meta['floor']:g} s (lower intervals load the HCP for no gain)")
            return False
        if meta.get("min") is not None and value < meta["min"]:
            self.problem(node, path, f"must be at least {meta['min']:g} (got {shown(value)})")
            return False
        if meta.get("max") is not None and value > meta["max"]:
            self.problem(node, path, f"must be at most {meta['max']:g} (got {shown(value)})")
            return False
        return True


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A node SafeLoader cannot construct (a bad ``!!int``, an unknown tag...), and why."""

    reason: str


def construct(node: yaml.Node) -> Any:
    """The Python value of a node, typed as YAML 1.1 SafeLoader types it, or :class:`Unreadable`."""
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        return Unreadable(str(exc.problem or exc).splitlines()[0])
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        return Unreadable(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")


def key_name(node: yaml.Node) -> str | None:
    """The text of a scalar mapping key (``1`` and ``true`` as written); None for anything else."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    value = construct(node)
    if isinstance(value, Unreadable):
        return None
    return value if isinstance(value, str) else node.value


def shown(value: object, limit: int = 60) -> str:
    """A value as a message quotes it: repr, cut to ``limit`` characters."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**15:
        return f"a {len(str(abs(value)))}-digit number"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _control_character(text: str) -> str | None:
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\t":
            return f"U+{ord(char):04X}"
    return None


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def allows_none(tp: Any) -> bool:
    return typing.get_origin(tp) in (types.UnionType, typing.Union) and type(None) in typing.get_args(tp)


def unknown_key_message(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(sorted(known))}"
    return f"unknown key{hint}"


def child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if key_name(k) == key:
                return v
    return None

