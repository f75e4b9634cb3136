"""Passwords held by reference (environment variable, command) or inline, never printed."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from typing import Literal

from hcpdash import redact


class SecretError(Exception):
    """A secret reference that cannot be resolved (the message never holds the secret)."""


# ---------------------------------------------------------------- secrets


@dataclass(frozen=True, slots=True, repr=False)
class Secret:
    """A password, held by reference where possible.

    ``kind`` is ``env`` (an environment variable), ``command`` (argv whose standard
    output is the password; run without a shell) or ``inline`` (the value itself,
    allowed only in a file no other user can read). ``repr`` and ``str`` never
    show the value.
    """

    kind: Literal["env", "command", "inline"]
    reference: tuple[str, ...]

    def resolve(self) -> str:
        """The password itself; registered with ``hcpdash.redact`` so it never gets printed."""
        value = self._lookup()
        redact.register(value)
        return value

    def _lookup(self) -> str:
        if self.kind == "inline":
            return self.reference[0]
        if self.kind == "env":
            name = self.reference[0]
            value = os.environ.get(name)
            if value is None:
                raise SecretError(f"environment variable {name} is not set")
            return value
        try:
            done = subprocess.run(  # noqa: S603 - argv from the user's own config
                list(self.reference), capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SecretError(f"password command {self.reference[0]!r} failed: {type(exc).__name__}") from None
        if done.returncode != 0:
            raise SecretError(f"password command {self.reference[0]!r} exited with status {done.returncode}")
        value = done.stdout.rstrip("\r\n")
        if not value:
            raise SecretError(f"password command {self.reference[0]!r} printed nothing")
        return value

    def describe(self) -> str:
        """A redacted description, safe for screens and logs."""
        if self.kind == "env":
            return f"<from environment variable {self.reference[0]}>"
        if self.kind == "command":
            return f"<from command {' '.join(self.reference)}>"
        return "<redacted>"

    def __repr__(self) -> str:
        return f"Secret({self.describe()})"

    __str__ = __repr__
