"""Answer bodies: hcpdash asks for identity, but a gzip or deflate body from a proxy or a
newer HCP is read, and neither a bomb nor garbage gets past the size limit or crashes."""

from __future__ import annotations

import gzip
import zlib

import pytest

from hcpdash.hcp.errors import ParseError
from hcpdash.hcp.wire import decoded

BODY = b'{"name": "finance"}' * 20


@pytest.mark.parametrize("encoding, body", [("identity", BODY), ("gzip", gzip.compress(BODY)),
                                            ("deflate", zlib.compress(BODY)), (" GZIP ", gzip.compress(BODY))])
def test_known_encodings_give_the_body(encoding: str, body: bytes) -> None:
    assert decoded(body, encoding, 10_000, "tenant list") == BODY


def test_a_compressed_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"0" * 5_000_000)
    with pytest.raises(ParseError, match="larger than 1000 bytes"):
        decoded(bomb, "gzip", 1000, "tenant list")


def test_an_unknown_encoding_is_named() -> None:
    with pytest.raises(ParseError, match="unsupported Content-Encoding 'br'"):
        decoded(BODY, "br", 10_000, "tenant list")


def test_garbage_labelled_gzip_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="undecodable gzip body"):
        decoded(b"not gzip at all", "gzip", 10_000, "tenant list")
