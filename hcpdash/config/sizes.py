"""Byte sizes as administrators write them (``50 GB``), in binary units as HCP uses."""

from __future__ import annotations

import re
import typing

_BYTE_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4, "PB": 1024**5}
_BYTE_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?B?)\s*$", re.IGNORECASE)


def parse_byte_size(text: str) -> int:
    """``"50 GB"`` → bytes (binary units, as HCP uses). Raises ValueError."""
    match = _BYTE_SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    unit = match.group(2).upper()
    if unit and not unit.endswith("B"):
        unit += "B"
    return int(float(match.group(1)) * _BYTE_UNITS[unit])


ByteSize = typing.NewType("ByteSize", int)
