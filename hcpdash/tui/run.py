"""Run the dashboard: check the theme first (a usage error, exit 2), then the app."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from textual.app import App

from hcpdash.config import Config
from hcpdash.monitor.api import Monitor
from hcpdash.stopping import on_stop_signals
from hcpdash.tui.themes import ThemeError, discover_themes, load_theme


def check_theme(name: str) -> str | None:
    """None when ``name`` is usable, else the message to print."""
    themes = discover_themes()
    if name not in themes:
        return f"unknown theme {name!r}; available themes: {', '.join(sorted(themes))}"
    try:
        load_theme(themes[name])
    except ThemeError as exc:
        return str(exc)
    return None


def run_dashboard(monitor: Monitor, config: Config, theme: str | None, read_only: bool) -> int:
    """The app starts the monitor on mount and stops it on unmount, inside its own event loop."""
    from hcpdash.tui.app import HcpDashApp

    name = theme or config.theme or "dark"
    problem = check_theme(name)
    if problem is not None:
        print(f"hcpdash: {problem}", file=sys.stderr)
        return 2
    app = HcpDashApp(monitor, config, theme=name, read_only=read_only)
    result = asyncio.run(run_until_stopped(app))
    return result if isinstance(result, int) else (app.return_code or 0)


async def run_until_stopped(app: App[Any]) -> Any:
    """Run ``app``; SIGTERM, SIGHUP and SIGINT end it through :meth:`App.exit`, so Textual's driver
    restores the terminal (main screen, mouse tracking off, cursor shown) as on a normal quit."""
    undo = on_stop_signals(lambda signum: app.exit(return_code=128 + signum))
    try:
        return await app.run_async()
    finally:
        undo()
