"""Garbage and mutated payloads: the parsers raise HcpError subclasses and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hcpdash.hcp import mapi, proc
from hcpdash.hcp.errors import HcpError
from hcpdash.hcp.parse import parse_body

PAYLOADS = Path(__file__).parent / "payloads"
PARSERS = {
    "link_aa.xml": mapi.parse_link, "link_outbound.json": mapi.parse_link, "links.xml": mapi.parse_names,
    "replication_service.xml": mapi.parse_replication_service, "node_statistics.xml": mapi.parse_node_statistics,
    "node_statistics.json": mapi.parse_node_statistics, "tenant_system_level.json": mapi.parse_tenant,
    "namespace_verbose.json": lambda r: mapi.parse_namespace(r, "t"), "statistics.json": mapi.parse_statistics,
    "data_access_permissions.json": mapi.parse_data_access_permissions,
    "proc.xml": proc.parse_accessible_namespaces, "proc_statistics.xml": proc.parse_statistics,
    "proc_permissions.xml": proc.parse_permissions, "proc_retention_classes.xml": proc.parse_retention_classes,
}
BODIES = {name: (PAYLOADS / name).read_bytes() for name in PARSERS}


def run(name: str, body: bytes) -> None:
    try:
        PARSERS[name](parse_body(body, "application/octet-stream", name))
    except HcpError:
        pass


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), body=st.binary(max_size=512))
def test_random_bytes(name: str, body: bytes) -> None:
    run(name, body)


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(PARSERS)), data=st.data())
def test_mutated_valid_payloads(name: str, data: st.DataObject) -> None:
    body = bytearray(BODIES[name])
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = data.draw(st.integers(0, max(0, len(body) - 1)))
        if op == "cut":
            del body[at:]
        elif op == "flip" and body:
            body[at] = data.draw(st.integers(0, 255))
        elif op == "insert":
            body[at:at] = data.draw(st.sampled_from([b"<", b">", b"{", b"]", b'"', b"<x/>", b"&amp;", b"\x00"]))
        elif body:
            del body[at:at + data.draw(st.integers(1, 40))]
    run(name, bytes(body))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from([n for n in sorted(PARSERS) if n.endswith(".json")]), data=st.data())
def test_json_fields_replaced_with_arbitrary_values(name: str, data: st.DataObject) -> None:
    document = json.loads(BODIES[name])
    key = data.draw(st.sampled_from(sorted(document)))
    document[key] = data.draw(json_values)
    run(name, json.dumps(document).encode())
