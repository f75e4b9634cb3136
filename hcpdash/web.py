"""``hcpdash web``: the dashboard in a browser, served by textual-serve.

textual-serve starts one dashboard process per browser tab and relays the terminal
over a WebSocket. The page has no login of its own, so the server listens on
loopback unless another address is named (with a warning), and the served
dashboard is read-only unless ``--allow-actions`` is given; then the same typed
confirmations apply as in a terminal.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``; a name that must be resolved is not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def dashboard_command(config_path: Path, *, allow_actions: bool, theme: str | None) -> str:
    """The shell command textual-serve runs for each browser tab (it takes one string)."""
    argv: list[str] = [sys.executable, "-m", "hcpdash", "--config", str(config_path)]
    if not allow_actions:
        argv.append("--read-only")
    if theme:
        argv += ["--theme", theme]
    return shlex.join(argv)


def public_url_for(host: str, port: int, public_url: str | None) -> str:
    """Where the browser reaches us: given behind a proxy, else the listen address."""
    if public_url:
        return public_url.rstrip("/")
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def listen_warnings(host: str, allow_actions: bool) -> Sequence[str]:
    warnings = []
    if not is_loopback(host):
        warnings.append(f"listening on {host}, not loopback: anyone who reaches this port sees the dashboard "
                        "(the page has no login; put it behind a reverse proxy with authentication)")
        if allow_actions:
            warnings.append("--allow-actions on a non-loopback address: replication actions can be sent "
                            "from any browser that reaches this port")
    return warnings


def serve_web(config_path: Path, *, host: str, port: int, allow_actions: bool, theme: str | None,
              public_url: str | None) -> int:
    """Run the web server until interrupted; a port that cannot be bound is one line, exit 2."""
    from textual_serve.server import Server

    for warning in listen_warnings(host, allow_actions):
        print(f"warning: {warning}", file=sys.stderr)
    command = dashboard_command(config_path, allow_actions=allow_actions, theme=theme)
    url = public_url_for(host, port, public_url)
    server = Server(command, host=host, port=port, title="hcpdash", public_url=url)
    mode = "actions allowed" if allow_actions else "read-only"
    print(f"hcpdash web: serving the dashboard ({mode}) on {url}", file=sys.stderr, flush=True)
    try:
        server.serve()
    except OSError as exc:
        print(f"hcpdash: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
