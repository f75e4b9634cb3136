"""hcpdash replay: the dashboard on recorded history at a chosen time, and the JSON export."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from textual.widgets import Sparkline

from hcpdash.cli import main
from hcpdash.config import Config
from hcpdash.monitor.history_store import HistoryStore, StoredEvent
from hcpdash.monitor.replay import ReplayMonitor
from hcpdash.replay import parse_time, replay_config
from hcpdash.tui.replay_app import ReplayApp

T0 = 1_764_644_400.0  # 2025-12-02T03:00:00Z
GOLDEN = Path(__file__).parent.parent / "integration" / "golden" / "replay.json"


def link_state(message: str, status: str = "GOOD", suspended: bool = False) -> str:
    return json.dumps({"message": message, "status": status, "suspended": suspended, "type": "ACTIVE_ACTIVE"},
                      sort_keys=True, separators=(",", ":"))


MIB = 1024.0**2


def activity_points(t: float, burst: bool) -> list[tuple[tuple[str, str, str, str], float, float]]:
    """finance/ledger's rates: 1.50 MB/s of traffic, 42.00 MB/s during a burst of writes."""
    rates = (40 * MIB, 2 * MIB, 30.0, 800.0, 0.5) if burst else (MIB, 0.5 * MIB, 12.0, 4.0, 0.0)
    return [(("ns", "hcp1", "finance/ledger", metric), t, value)
            for metric, value in zip(("bytes_in_per_s", "bytes_out_per_s", "reads_per_s", "writes_per_s",
                                      "deletes_per_s"), rates)]


def record(path: Path) -> None:
    """03:00 to 03:20: a link syncing, suspended at 03:12, resumed at 03:15; one node slow and a burst of writes
    to finance/ledger at 03:12."""
    store = HistoryStore.open(path)
    for minute in range(21):
        t = T0 + minute * 60
        suspended = 12 <= minute < 15
        store.write(
            points=[(("node", "hcp1", "10.1.0.11", "latency_ms"), t, 900.0 if minute == 12 else 8.0),
                    (("link", "hcp1", "AA-1", "bytes_pending"), t, 1024.0 * minute),
                    (("link", "hcp1", "AA-1", "lag_s"), t, 30.0 + minute),
                    (("ns", "hcp1", "finance/ledger", "used_bytes"), t, 1e9 + minute * 1e6),
                    (("ns", "hcp1", "finance/ledger", "objects"), t, 1000.0 + minute),
                    *activity_points(t, burst=minute == 12)],
            states=[(("node", "hcp1", "10.1.0.11", "state"), t,
                     '{"error":null,"in_dns":true,"pool":"healthy","probe":"up"}'),
                    (("link", "hcp1", "AA-1", "state"), t,
                     link_state("Suspended by user", "WARNING", True) if suspended else link_state("Synchronizing data"))],
            events=[StoredEvent(t, "hcp1", "link", "AA-1", "link AA-1: Synchronizing data → Suspended by user", 1)]
            if minute == 12 else [])
    store.close()


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("HCPDASH_CONFIG", str(tmp_path / "absent.yaml"))
    record(tmp_path / "history.sqlite3")
    return tmp_path / "history.sqlite3"


def screen_text(app: ReplayApp) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def test_replay_shows_the_replication_pane_as_it_was_at_the_cursor(history: Path) -> None:
    store = HistoryStore.open(history, read_only=True)
    config: Config = replay_config(None, ["hcp1"])
    monitor = ReplayMonitor(store, config, T0, T0 + 1200, cursor=T0 + 11 * 60)
    app = ReplayApp(monitor, config)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "Synchronizing data" in screen_text(app) and "Suspended by user" not in screen_text(app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        text = screen_text(app)
        assert "Suspended by user" in text and "03:12:00" in text
        assert app.snapshots["hcp1"].links.value[0].link.suspended is True
        await pilot.press("right_curly_bracket")
        await pilot.pause()
        assert "Synchronizing data" in screen_text(app) and monitor.cursor == T0 + 1200
    store.close()


def namespace_row(app: ReplayApp, name: str) -> str:
    return next(line for line in screen_text(app).splitlines() if f" {name} " in line)


async def test_replay_shows_the_recorded_activity_of_a_namespace_at_the_cursor(history: Path) -> None:
    writer = HistoryStore.open(history)
    writer.maintain(T0 + 1260)  # minute points, which the detail's 12 h chart reads, as the recorder rolls them up
    writer.close()
    store = HistoryStore.open(history, read_only=True)
    config = replay_config(None, ["hcp1"])
    monitor = ReplayMonitor(store, config, T0, T0 + 1200, cursor=T0 + 11 * 60)
    app = ReplayApp(monitor, config)
    async with app.run_test(size=(200, 80)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "Activity" in screen_text(app) and "1.50 MB/s" in namespace_row(app, "ledger")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "03:12:00" in screen_text(app) and "42.00 MB/s" in namespace_row(app, "ledger")
        await pilot.press("enter")
        await pilot.pause()
        assert "30.0 reads/s, 800.0 writes/s, 0.50 deletes/s" in screen_text(app)  # the detail, as live shows it
        chart = app.screen.query_one("#used-chart", Sparkline)
        assert chart.data == [1e9 + minute * 1e6 for minute in range(13)]  # used bytes until the cursor, from the file
    store.close()


def test_replay_snapshot_carries_the_recorded_numbers_and_verdicts(history: Path) -> None:
    store = HistoryStore.open(history, read_only=True)
    monitor = ReplayMonitor(store, replay_config(None, ["hcp1"]), T0, T0 + 1200, cursor=T0 + 12 * 60)
    snap = monitor.snapshots()["hcp1"]
    node = snap.nodes.value[0]
    assert node.latency_p95_ms == 900.0 and node.probe == "up"
    assert snap.overall.level.name == "WARNING" and snap.overall.subject == "10.1.0.11"
    link = snap.links.value[0]
    assert link.link.statistics.bytes_pending == 12 * 1024 and link.lag_s == pytest.approx(42.0)
    ns = snap.tenants.value[0].namespaces[0]
    assert ns.key == "finance/ledger" and ns.statistics.object_count == 1012
    assert ns.activity is not None and ns.activity.bytes_per_s == 42 * MIB
    assert (ns.activity.reads_per_s, ns.activity.writes_per_s, ns.activity.deletes_per_s) == (30.0, 800.0, 0.5)
    assert [e.message for e in monitor.events.since(0)] == ["link AA-1: Synchronizing data → Suspended by user"]
    store.close()


def test_replay_json_matches_the_golden_file(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "--json", "--from", "2025-12-02T03:10:00+00:00", "--to", "2025-12-02T03:13:00+00:00"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema"] == "hcpdash.replay/1"
    assert document == json.loads(GOLDEN.read_text())


@pytest.mark.parametrize(("argv", "message", "code"), [
    (["--from", "yesterday"], "cannot read 'yesterday' as a time", 2),
    (["--from=-1h", "--to", "2h ago"], "--from is after --to", 2),
    (["--system", "hcp9"], "no history of system 'hcp9'; recorded: hcp1", 2),
    (["--from", "2020-01-01T00:00", "--to", "2020-01-01T01:00"], "nothing was recorded in that range", 1),
])
def test_bad_replay_input_is_one_line(history: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                      message: str, code: int) -> None:
    assert main(["replay", "--json", *argv]) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_replay_without_history_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HCPDASH_STATE_DIR", str(tmp_path))
    assert main(["replay", "--json"]) == 1
    assert f"no history at {tmp_path / 'history.sqlite3'}" in capsys.readouterr().err


def test_time_forms() -> None:
    now = T0
    assert parse_time("-90m", now) == T0 - 5400 == parse_time("90m ago", now) and parse_time("now", now) == now
    assert parse_time("2025-12-02T03:12:00+00:00", now) == T0 + 720
    assert parse_time("03:12", now) == T0 + 720  # TZ=UTC in these tests


async def test_trend_view_plots_recorded_history_with_axes_and_units(history: Path) -> None:
    store = HistoryStore.open(history, read_only=True)
    config = replay_config(None, ["hcp1"])
    monitor = ReplayMonitor(store, config, T0, T0 + 1200, cursor=T0 + 1200)
    app = ReplayApp(monitor, config)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("1", "enter")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert "Trends of 10.1.0.11 on hcp1" in text and "Request latency p95, last 1 h" in text
        assert "900 ms ┤" in text and "0 ms ┤" in text and "03:20" in text  # value axis, time axis
        await pilot.press("d")
        await pilot.pause()
        assert "last 24 h" in screen_text(app)
    store.close()


async def test_namespace_trends_plot_the_recorded_activity(tmp_path: Path) -> None:
    from fakes import snapshot, tenant_views

    from hcpdash.monitor.history_points import SnapshotRecorder
    from hcpdash.monitor.snapshot import Reading
    from hcpdash.tui.screens.trend import TrendScreen

    store = HistoryStore.open(tmp_path / "history.sqlite3")
    extract = SnapshotRecorder()
    for minute in range(5):
        store.write(*extract.extract(snapshot("hcp1", tenants=Reading(tenant_views(1), T0 + 60 * minute))))
    config = replay_config(None, ["hcp1"])
    monitor = ReplayMonitor(store, config, T0, T0 + 240, cursor=T0 + 240)
    app = ReplayApp(monitor, config)
    async with app.run_test(size=(160, 120)) as pilot:
        app.push_screen(TrendScreen("ns", "hcp1", "finance/ledger"))
        await pilot.pause()
        text = screen_text(app)
    store.close()
    assert "Activity: ingest (bytes in), last 1 h" in text and "3.50 MB/s ┤" in text
    assert "Activity: reads (bytes out), last 1 h" in text and "1.25 MB/s ┤" in text
    assert "Activity: reads, last 1 h" in text and "20/s ┤" in text
    assert "Activity: writes, last 1 h" in text and "14/s ┤" in text
    assert "Activity: deletes, last 1 h" in text and "0.5/s ┤" in text


def test_a_recording_without_each_kind_of_operation_shows_no_activity_rather_than_a_guess(tmp_path: Path) -> None:
    store = HistoryStore.open(tmp_path / "history.sqlite3")
    store.write([(("ns", "hcp1", "finance/ledger", metric), T0, value) for metric, value in
                 (("used_bytes", 1e9), ("bytes_in_per_s", MIB), ("bytes_out_per_s", MIB), ("operations_per_s", 16.0))])
    monitor = ReplayMonitor(store, replay_config(None, ["hcp1"]), T0, T0 + 60, cursor=T0 + 60)
    ns = monitor.snapshots()["hcp1"].tenants.value[0].namespaces[0]
    store.close()
    assert ns.used_bytes == 1e9 and ns.activity is None
