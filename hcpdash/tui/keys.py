"""Checks of the ``bindings:`` config section against the dashboard's binding ids and Textual's key names."""

from __future__ import annotations

import difflib

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def binding_ids() -> list[str]:
    """Every id a user may remap, read-only or not."""
    from hcpdash.tui import link_actions
    from hcpdash.tui.app import HcpDashApp

    found = [b for b in HcpDashApp.BINDINGS if isinstance(b, Binding)] + list(link_actions.BINDINGS)
    return sorted(b.id for b in found if b.id)


def is_key_name(key: str) -> bool:
    """A key Textual can bind: one character, or a key name such as ``f5``, ``up``, ``question_mark``."""
    *modifiers, name = key.split("+")
    if any(m not in MODIFIERS for m in modifiers):
        return False
    return (len(name) == 1 or name in {k.value for k in Keys} or name in KEY_NAME_REPLACEMENTS.values()
            or key_to_character(name) is not None)


def binding_problem(binding_id: str, keys: str) -> str | None:
    """What is wrong with ``binding_id: keys``, or None."""
    known = binding_ids()
    if binding_id not in known:
        close = difflib.get_close_matches(binding_id, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known ids: {', '.join(known)}"
        return f"unknown binding id; {hint}"
    bad = [key.strip() for key in keys.split(",") if not is_key_name(key.strip())]
    if bad:
        return f"{bad[0]!r} is not a key name Textual knows (e.g. r, R, ctrl+r, f5, question_mark)"
    return None
