"""XML and JSON bodies → one tree shape, and strict typed field access on it.

Both formats are reduced to what MAPI's JSON mapping produces: an object per element,
a string per leaf, repeated elements as lists. XML attributes (``/proc``) become keys
too. :class:`Record` then reads fields with the variants HCP is documented to emit
(numbers as numbers or strings, wrapped or bare lists, missing optional fields) and
raises :class:`ParseError` for anything else instead of guessing.
"""

from __future__ import annotations

import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any, NoReturn

from hcpdash.config import parse_byte_size
from hcpdash.hcp.errors import NotAnHcp, ParseError

__all__ = ["Record", "parse_body", "parse_quota"]

Tree = dict[str, Any] | list[Any] | str | int | float | bool | None
_MAX_DEPTH = 32
_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)
_MISSING = object()


def parse_body(body: bytes, content_type: str, resource: str) -> Record:
    """Parse an XML or JSON response body into a :class:`Record` of its root.

    The format is taken from the body itself when the ``Content-Type`` is missing or
    disagrees (tolerant of servers that ignore ``Accept``). Returns the root's
    contents; for XML the root element name is in ``Record.root``.
    """
    stripped = body.lstrip()
    if not stripped:
        raise ParseError("empty response body", resource=resource)
    if "html" in content_type.lower() or (stripped[:1] == b"<" and _HTML.match(stripped[:200])):
        raise NotAnHcp("answered with an HTML page, not an HCP document", resource=resource)
    if stripped[:1] in (b"{", b"["):
        return _parse_json(stripped, resource)
    if stripped[:1] == b"<":
        return _parse_xml(stripped, resource)
    raise ParseError(f"body is neither XML nor JSON (content type {content_type or 'missing'})", resource=resource)


def _parse_json(body: bytes, resource: str) -> Record:
    try:
        value = _JSON.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParseError(f"malformed JSON ({_short(exc)})", resource=resource) from None
    if not isinstance(value, dict):
        raise ParseError("JSON document is not an object", resource=resource)
    if body.count(b"{") + body.count(b"[") > _MAX_DEPTH:    # only then can it nest too deeply
        _check_depth(value, resource)
    return Record(value, resource, root=None)


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"non-standard constant {name}")


# One decoder for every body: json.loads with an option builds a new decoder per call.
_JSON = json.JSONDecoder(parse_constant=_reject_constant)


def _parse_xml(body: bytes, resource: str) -> Record:
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise ParseError("XML with a DOCTYPE or entity declarations is refused", resource=resource)
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, LookupError, RecursionError) as exc:
        raise ParseError(f"malformed XML ({_short(exc)})", resource=resource) from None
    tree = _element_tree(root, 0, resource)
    if not isinstance(tree, dict):
        tree = {} if tree == "" else {"": tree}
    return Record(tree, resource, root=_local(root.tag))


def _element_tree(element: ET.Element, depth: int, resource: str) -> Tree:
    if depth > _MAX_DEPTH:
        raise ParseError("XML nested too deeply", resource=resource)
    out: dict[str, Any] = {}
    for key, value in element.attrib.items():
        if not key.startswith("{"):
            out[key] = value
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        value = _element_tree(child, depth + 1, resource)
        if name in out:
            existing = out[name]
            if isinstance(existing, list) and name not in element.attrib:
                existing.append(value)
            else:
                out[name] = [existing, value]
        else:
            out[name] = value
    if out:
        return out
    return (element.text or "").strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _check_depth(container: dict[str, Any] | list[Any], resource: str, depth: int = 0) -> None:
    """Refuse anything (scalars included) deeper than ``_MAX_DEPTH``; visits containers only."""
    for item in container.values() if isinstance(container, dict) else container:
        if depth >= _MAX_DEPTH:
            raise ParseError("JSON nested too deeply", resource=resource)
        if isinstance(item, (dict, list)):
            _check_depth(item, resource, depth + 1)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__


def parse_quota(text: str) -> int:
    """HCP quota text (``"50.00 GB"``, ``"1.25 TB"``, ``"500 MB"``) → bytes (binary units)."""
    return parse_byte_size(text)


class Record:
    """One object of a parsed document, with typed, strict field readers.

    Every reader takes the field name as HCP spells it; ``required=False`` returns
    ``None`` for a missing field. A wrong type raises :class:`ParseError` naming the
    resource and the field path.
    """

    __slots__ = ("_data", "_path", "resource", "root")

    def __init__(self, data: dict[str, Any], resource: str, *, root: str | None, path: str = "") -> None:
        self._data = data
        self.resource = resource
        self.root = root
        self._path = path

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def keys(self) -> list[str]:
        return list(self._data)

    def fail(self, key: str, what: str) -> NoReturn:
        raise ParseError(f"{self._where(key)}: {what}", resource=self.resource)

    def _where(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _get(self, key: str, required: bool) -> Any:
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(key, "missing")
            return None
        if isinstance(value, list) and not isinstance(value, str):
            if len(value) == 1 and isinstance(value[0], (str, int, float)):
                return value[0]
            self.fail(key, "repeated where one value was expected")
        return value

    def string(self, key: str, *, required: bool = True) -> str | None:
        value = self._data.get(key)
        if type(value) is str:                      # the common case, checked first
            return value
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, dict):
            self.fail(key, f"expected text, got {_kind(value)}")
        if isinstance(value, (int, float)):
            return format(value)
        return value

    def word(self, key: str, *, required: bool = False) -> str | None:
        """A text field whose values come from a small set (``SHA-256``, ``Dynamic``,
        ``LOCAL``, an owner's name): one string shared by every record that has it, not a
        copy per record (at 10,000 namespaces the copies of five such fields took 2.6 MiB)."""
        value = self.string(key, required=required)
        return None if value is None else sys.intern(value)

    def text(self, key: str) -> str:
        """A required text field."""
        value = self.string(key)
        if value is None:
            self.fail(key, "missing")
        return value

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self._data.get(key)
        if type(value) is int:                      # the common case (JSON), checked first
            return value
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool):
            self.fail(key, "expected an integer, got a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"[+-]?\d{1,30}", text):
                return int(text)
            if re.fullmatch(r"[+-]?\d{1,30}\.0*", text):
                return int(text.split(".")[0])
        self.fail(key, f"expected an integer, got {_show(value)}")

    def number(self, key: str, *, required: bool = True) -> float | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool):
            self.fail(key, "expected a number, got a boolean")
        if isinstance(value, (int, float)):
            result = float(value)
        elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", value):
            result = float(value)
        else:
            self.fail(key, f"expected a number, got {_show(value)}")
        if not math.isfinite(result):
            self.fail(key, "number out of range")
        return result

    def boolean(self, key: str, *, required: bool = True) -> bool | None:
        value = self._data.get(key)
        if type(value) is bool:
            return value
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self.fail(key, f"expected true or false, got {_show(value)}")

    def choice(self, key: str, choices: tuple[str, ...], *, required: bool = True,
               fold_case: bool = False) -> str | None:
        value = self.string(key, required=required)
        if value is None:
            return None
        for choice in choices:
            if value == choice or (fold_case and value.upper() == choice.upper()):
                return choice
        self.fail(key, f"unexpected value {_show(value)} (expected one of {', '.join(choices)})")

    def quota(self, key: str, *, required: bool = False) -> int | None:
        """A quota such as ``"50.00 GB"`` in bytes; ``None`` for a missing field or ``None`` text."""
        value = self.string(key, required=required)
        if value is None or value.strip().lower() in ("", "none", "unlimited"):
            return None
        try:
            return parse_quota(value)
        except (ValueError, OverflowError):
            self.fail(key, f"not a quota: {_show(value)}")

    def record(self, key: str, *, required: bool = True) -> Record | None:
        value = self._get(key, required)
        if value is None:
            return None
        if value == "":
            return Record({}, self.resource, root=None, path=self._where(key))
        if not isinstance(value, dict):
            self.fail(key, f"expected an object, got {_kind(value)}")
        return Record(value, self.resource, root=None, path=self._where(key))

    def _items(self, key: str, item: str | None) -> list[Any]:
        value = self._data.get(key, _MISSING)
        if value is _MISSING or value is None or value == "":
            return []
        if item is not None and isinstance(value, dict):
            if set(value) - {item}:
                self.fail(key, f"expected a list of {item}, found {', '.join(sorted(value))}")
            value = value.get(item, [])
            if value is None or value == "":
                return []
        return value if isinstance(value, list) else [value]

    def strings(self, key: str, item: str | None = None) -> tuple[str, ...]:
        """A list of strings, wrapped (``{"tag": [...]}`` / ``<tags><tag>``) or bare."""
        out = []
        for value in self._items(key, item):
            if isinstance(value, (dict, list, bool)) or value is None:
                self.fail(key, f"expected a list of text, found {_kind(value)}")
            out.append(format(value) if not isinstance(value, str) else value)
        return tuple(out)

    def records(self, key: str, item: str | None = None) -> Iterator[Record]:
        """A list of objects, wrapped or bare; a single object counts as a list of one."""
        for index, value in enumerate(self._items(key, item)):
            if not isinstance(value, dict):
                self.fail(key, f"expected a list of objects, found {_kind(value)}")
            yield Record(value, self.resource, root=None, path=f"{self._where(key)}[{index}]")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", str: "text"}.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
