"""The dashboard on the real monitor and a running simulator: the full path a user takes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.widgets import Button, Input

from hcpdash.config import parse_config
from hcpdash.demo import demo_config
from hcpdash.monitor.audit import AuditJournal
from hcpdash.monitor.service import MonitorService
from hcpdash.sim import SimulatorThread
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.screens.preflight import PreflightScreen
from hcpdash.tui.widgets.keyed_table import KeyedTable

AP = "hcp1-hcp2-ap"


async def until(predicate, pilot, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await pilot.pause(0.1)


def posts(sim: SimulatorThread) -> list[str]:
    return [",".join(p["query"]) for s in sim.control("GET", "/state")["systems"] for p in s["posts"]]


async def test_failover_from_the_dashboard_reaches_the_simulator_once_and_is_journaled(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=2, namespaces=2)
    config = demo_config(sim.config_text(), tmp_path)
    journal = AuditJournal(tmp_path / "audit.jsonl")
    monitor = MonitorService(config, journal=journal)
    app = HcpDashApp(monitor, config)
    async with app.run_test(size=(140, 40)) as pilot:
        links = app.query_one("#links-table", KeyedTable)
        await pilot.press("3")
        await until(lambda: links.row_count == 4, pilot)
        links.move_cursor(row=links.get_row_index(f"hcp2/{AP}"))
        await pilot.press("F")
        await until(lambda: isinstance(app.screen, PreflightScreen), pilot)
        screen = app.screen
        assert app.focused is screen.query_one("#typed-name", Input)
        await pilot.press(*AP, "enter", *"rehearsal")
        preflight = await screen.settled()
        await pilot.pause()
        assert preflight is not None and preflight.figures["other_end"]["read"] is True
        assert not screen.query_one("#confirm", Button).disabled
        await pilot.click("#confirm", times=2)
        await until(lambda: any(e.kind == "link" and "Failed over" in e.message for e in monitor.events.since()),
                    pilot)
        await pilot.press("4")
        await pilot.pause()
        messages = [str(c) for c in app.query_one("#events-table", KeyedTable).get_column("message")]
        assert any("Failed over" in m for m in messages)
    assert (await asyncio.to_thread(posts, sim)) == ["failOver"]
    records = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(r["kind"], r.get("outcome")) for r in records] == [("intent", None), ("outcome", "ok")]
    assert records[0]["reason"] == "rehearsal" and records[0]["link"] == AP


async def test_read_only_dashboard_on_the_simulator_offers_no_action(make_sim, tmp_path) -> None:
    sim = make_sim(tenants=1, namespaces=1)
    config = demo_config(sim.config_text(), tmp_path)
    monitor = MonitorService(config, read_only=True, journal=AuditJournal(tmp_path / "audit.jsonl"))
    app = HcpDashApp(monitor, config, read_only=True)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3")
        links = app.query_one("#links-table", KeyedTable)
        await until(lambda: links.row_count == 4, pilot)
        await pilot.press("F", "x")
        await pilot.pause()
        assert not isinstance(app.screen, PreflightScreen)
        assert not any(active.binding.action.startswith("link_action") for active in app.active_bindings.values())
    assert (await asyncio.to_thread(posts, sim)) == []


def test_demo_config_is_private_and_polls_fast(tmp_path: Path, sim) -> None:
    config = demo_config(sim.config_text(), tmp_path)
    assert (tmp_path / "hcpdash-demo.yaml").stat().st_mode & 0o077 == 0
    assert config.systems[0].poll.links == 2 and config.systems[0].tls.verify is True
    parsed, problems, _ = parse_config((tmp_path / "hcpdash-demo.yaml").read_text())
    assert not problems and parsed is not None
