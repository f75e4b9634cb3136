"""MAPI XML and JSON rendering (§3.4, §3.5) and the attribute-valued /proc XML (§7).

A resource is a ``dict`` of properties in element order. :class:`Items` is a list of
repeated elements: under a property it becomes ``<tags><tag>a</tag></tags>`` /
``"tags": {"tag": ["a"]}``; as a whole resource body it becomes ``<links><name>a</name>
</links>`` / ``{"name": ["a"]}`` (the root element is dropped in JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = ["Items", "Repeated", "to_json", "to_xml", "proc_xml"]

XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


@dataclass(frozen=True, slots=True)
class Items:
    """Repeated elements called ``name``."""

    name: str
    values: list[Any]


@dataclass(frozen=True, slots=True)
class Repeated:
    """A property that repeats without a wrapper: ``<transition>..</transition><transition>..``."""

    values: list[Any]


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return escape(value)
    return str(value)


def _xml(name: str, value: Any, out: list[str], indent: str | None, depth: int) -> None:
    pad = "\n" + indent * depth if indent is not None else ""
    if isinstance(value, Items):
        for item in value.values:
            _xml(value.name, item, out, indent, depth)
        return
    if isinstance(value, dict):
        if not value:
            out.append(f"{pad}<{name}/>")
            return
        out.append(f"{pad}<{name}>")
        for key, child in value.items():
            if isinstance(child, Repeated):
                for item in child.values:
                    _xml(key, item, out, indent, depth + 1)
            elif isinstance(child, Items):
                if not child.values:
                    out.append(f"{pad}{indent or ''}<{key}/>")
                    continue
                out.append(f"{pad}{indent or ''}<{key}>")
                for item in child.values:
                    _xml(child.name, item, out, indent, depth + 2)
                out.append(f"{pad}{indent or ''}</{key}>")
            else:
                _xml(key, child, out, indent, depth + 1)
        out.append(f"{pad}</{name}>")
        return
    if value is None or value == "":
        out.append(f"{pad}<{name}/>")
        return
    out.append(f"{pad}<{name}>{_scalar(value)}</{name}>")


def to_xml(root: str, body: dict[str, Any] | Items, pretty: bool = False) -> str:
    """Compact (one line) unless ``pretty``; never indent unasked (hcpsdk reads ``.text``)."""
    indent = "    " if pretty else None
    out = [XML_DECL]
    if isinstance(body, Items):
        newline = "\n" if pretty else ""
        out.append(f"{newline}<{root}>")
        for item in body.values:
            _xml(body.name, item, out, indent, 1)
        out.append(f"{newline}</{root}>")
    else:
        _xml(root, body, out, indent, 0)
    return "".join(out) + ("\n" if pretty else "")


def _plain(value: Any) -> Any:
    """Items and Repeated as JSON sees them; the encoder calls this for those only, so plain
    dicts, lists and scalars stay in its C code (a large report has ~100,000 values)."""
    if isinstance(value, Items):
        return {value.name: value.values}
    if isinstance(value, Repeated):
        return value.values
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def to_json(body: dict[str, Any] | Items, pretty: bool = False) -> str:
    """The root element dropped; Jackson-like ``"key" : value`` layout when pretty."""
    if pretty:
        return json.dumps(body, indent=2, separators=(",", " : "), ensure_ascii=False, default=_plain)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _attrs(values: dict[str, Any]) -> str:
    return "".join(f" {k}={quoteattr(_scalar_attr(v))}" for k, v in values.items())


def _scalar_attr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def proc_xml(name: str, root: str, attrs: dict[str, Any], children: list[tuple[str, dict[str, Any], str | None]]) -> str:
    """A /proc document: stylesheet PI, xsi schema location, values in attributes.

    Each child is ``(tag, attributes, description)``; a description is emitted as
    CDATA surrounded by newlines and indentation, as HCP does (hcpsdk strips it).
    """
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="/static/xsl/proc-{name}.xsl"?>\n'
            f'<{root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:noNamespaceSchemaLocation="/static/xsd/proc-{name}.xsd"{_attrs(attrs)}')
    if not children:
        return head + "/>\n"
    out = [head, ">\n"]
    for tag, values, description in children:
        if description is None:
            out.append(f"    <{tag}{_attrs(values)}/>\n")
        else:
            text = description.replace("]]>", "]]]]><![CDATA[>")
            out.append(f"    <{tag}{_attrs(values)}>\n        <description><![CDATA[\n{text}\n        ]]></description>\n"
                       f"    </{tag}>\n")
    out.append(f"</{root}>\n")
    return "".join(out)
