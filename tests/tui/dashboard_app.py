"""Build the app on the fake monitor; imported by Pilot and snapshot tests."""

from __future__ import annotations

from typing import Any

from fakes import FakeMonitor, clock, make_config

from hcpdash.tui.app import HcpDashApp


def build(read_only: bool = False, theme: str = "dark", monitor: FakeMonitor | None = None,
          **config: Any) -> tuple[HcpDashApp, FakeMonitor]:
    cfg = make_config(read_only=False, theme=theme, **config)
    monitor = monitor or FakeMonitor(cfg)
    return HcpDashApp(monitor, cfg, theme=theme, read_only=read_only, clock=clock), monitor
