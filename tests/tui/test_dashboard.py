"""Pilot tests: the dashboard on the fake monitor, driven by keys as an operator would."""

from __future__ import annotations

from dashboard_app import build, drawn_lines, select_row, until
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static
from fakes import GB, NOW, FakeMonitor, activity, forbidden_tenants, make_config, namespace_view, snapshot, statistics

from hcpdash.monitor.snapshot import Reading, TenantView
from hcpdash.tui.app import HcpDashApp
from hcpdash.tui.panes.namespaces import NamespacesPane
from hcpdash.tui.screens.detail import NamespaceDetailScreen
from hcpdash.tui.screens.help import HelpScreen
from hcpdash.tui.style import DASH
from hcpdash.tui.widgets.banner import Banner
from hcpdash.tui.widgets.keyed_table import KeyedTable

SIZE = (140, 40)


def table(app: HcpDashApp, name: str) -> KeyedTable:
    return app.query_one(f"#{name}-table", KeyedTable)


def column_texts(tbl: KeyedTable, column: str) -> list[str]:
    return [str(cell) for cell in tbl.get_column(column)]


def keys_in_order(tbl: KeyedTable) -> list[str]:
    return tbl.keys


async def test_every_pane_populates_and_the_monitor_runs_inside_the_app() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert monitor.started
        assert table(app, "nodes").row_count == 8
        for key, name in (("2", "namespaces"), ("3", "links"), ("4", "events")):
            await pilot.press(key)
            await until(pilot, lambda name=name: table(app, name).row_count, f"{name} shown")
        assert table(app, "namespaces").row_count == 10
        assert table(app, "links").row_count == 4
        assert table(app, "joined").row_count == 2
        assert table(app, "events").row_count == 3
    assert monitor.stopped


async def test_filter_keeps_matches_inverts_with_bang_and_survives_a_bad_regex() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        nodes = table(app, "nodes")
        await pilot.press("slash", *"hcp2")
        assert nodes.row_count == 4
        await pilot.press("enter")
        assert app.focused is nodes and nodes.filter_text == "hcp2"
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"!hcp2")
        assert set(column_texts(nodes, "system")) == {"hcp1"}
        await pilot.press(*"([")
        error = app.query_one("#filter-error")
        assert error.display and "not a valid regular expression" in str(error.render())
        assert nodes.row_count == 4
        await pilot.press("escape")
        assert nodes.row_count == 8 and nodes.filter_text == ""


async def test_column_filters_match_one_column_and_a_wrong_column_is_named_in_the_prompt() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        nodes = table(app, "nodes")
        await pilot.press("slash", *"!\\.1[12]$")
        assert nodes.row_count == 8, "the whole row's text does not end with the address"
        await pilot.press("ctrl+a", "ctrl+k", *"!address:\\.1[12]$")
        assert sorted(column_texts(nodes, "address")) == ["10.1.0.13", "10.1.0.14", "10.2.0.13", "10.2.0.14"]
        await pilot.press("ctrl+a", "ctrl+k", *"State:SUSP")
        assert column_texts(nodes, "address") == ["10.2.0.13"]
        await pilot.press("ctrl+a", "ctrl+k", *"colour:red")
        error = app.query_one("#filter-error")
        assert error.display and "no column 'colour' (columns: system, address, state" in str(error.render())
        assert nodes.filter_text == "colour", "the filter typed before the colon stays"
        await pilot.press("ctrl+a", "ctrl+k", *"lasts:now")
        assert not error.display and nodes.row_count == 8


async def test_the_active_filter_shows_above_the_footer_with_its_match_count_until_cleared() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.query_one("#filter-bar")
        status, count = app.query_one("#filter-status"), app.query_one("#filter-count")
        assert not bar.display
        await pilot.press("slash", *"state:up")
        assert count.display and str(count.render()) == "7 of 8 rows" and not status.display
        await pilot.press("enter")
        assert bar.display and status.display and not app.query_one("#filter-input").display
        assert str(status.render()) == "filter state:up — 7 of 8 rows · esc clears"
        monitor.publish(snapshot("hcp1", down=(1, 2)))
        await until(pilot, lambda: "5 of 8 rows" in str(status.render()), "the count follows new data")
        await pilot.press("2")
        assert not bar.display, "the namespaces pane has no filter"
        await pilot.press("1")
        assert bar.display and "5 of 8 rows" in str(status.render())
        await pilot.press("escape")
        assert not bar.display and table(app, "nodes").row_count == 8


def shown_footer(app: HcpDashApp) -> Footer:
    [footer] = [footer for footer in app.query(Footer) if footer.display]
    return footer


async def test_the_footer_is_rebuilt_only_when_the_keys_it_shows_change() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        footer = shown_footer(app)
        await until(pilot, lambda: footer.query("FooterKey"), "the footer's keys")
        keys = list(footer.query("FooterKey"))
        await pilot.press("2", "question_mark", "escape", "4", "1")
        await pilot.pause()
        assert shown_footer(app) is footer
        assert list(footer.query("FooterKey")) == keys, "the same keys on show, the same widgets"
        await pilot.press("3")
        await select_row(pilot, "links-table", "hcp1/aa-finance")
        links_footer = shown_footer(app)
        await until(pilot, lambda: any("Suspend" in str(key.render()) for key in links_footer.query("FooterKey")),
                    "the selected link's actions in the footer")
        link_keys = list(links_footer.query("FooterKey"))
        await pilot.press("1")
        await pilot.pause()
        assert not any("Suspend" in str(key.render()) for key in shown_footer(app).query("FooterKey"))
        assert list(shown_footer(app).query("FooterKey")) == keys, "back on the nodes pane: its keys, not rebuilt"
        await pilot.press("3")
        await pilot.pause()
        assert list(shown_footer(app).query("FooterKey")) == link_keys, "the link actions again, not rebuilt"


async def test_help_opens_at_its_top_each_time_and_is_built_once() -> None:
    app, _ = build()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("question_mark")
        first = app.screen
        scroll = first.query_one(VerticalScroll)
        await until(pilot, lambda: scroll.max_scroll_y > 0, "help taller than the screen")
        scroll.scroll_end(animate=False)
        await until(pilot, lambda: scroll.scroll_y > 0, "help scrolled down")
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert app.screen is first, "the same help screen, not a new one per press"
        await until(pilot, lambda: scroll.scroll_y == 0, "help shown again from its top")


async def test_sort_by_key_and_header_is_remembered_per_pane() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        nodes = table(app, "nodes")
        nodes.sort_by("p95", reverse=True)
        await pilot.pause()
        assert column_texts(nodes, "p95")[:2] == ["160", "160"]
        await pilot.press("S")
        assert column_texts(nodes, "p95")[:2] == ["70", "70"]
        await pilot.press("2", "s")
        assert table(app, "namespaces").sort_column == "system"
        await pilot.press("1")
        assert nodes.sort_column == "p95" and not nodes.sort_reverse
        await pilot.click("#nodes-table", offset=(2, 0))
        assert nodes.sort_column == "system"


async def test_namespaces_sort_by_activity_puts_the_busiest_first() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        namespaces = table(app, "namespaces")
        namespaces.sort_by("activity", reverse=True)
        await pilot.pause()
        busiest = [key.split("/", 1)[1] for key in keys_in_order(namespaces)[:4]]
        assert busiest == ["media/thumbnails", "media/thumbnails", "finance/ledger", "finance/ledger"]
        assert column_texts(namespaces, "activity")[0] == "42.00 MB/s"
        assert column_texts(namespaces, "activity")[-1] == DASH


async def test_a_node_going_down_in_a_new_snapshot_shows_up() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        nodes = table(app, "nodes")
        assert str(nodes.get_cell("hcp1/10.1.0.12", "state")) == "up"
        monitor.publish(snapshot("hcp1", down=(2,)))
        await pilot.pause()
        assert str(nodes.get_cell("hcp1/10.1.0.12", "state")) == "down"
        assert "ConnectError" in str(nodes.get_cell("hcp1/10.1.0.12", "last_error"))


async def test_a_failing_dns_reading_is_marked_stale_with_its_age_and_error() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        strip = app.query_one("#dns-check", Static)
        assert "4 answers, all nodes" in str(strip.render()) and "stale" not in str(strip.render())
        dns = snapshot("hcp1").dns.failed("no name server listens at 10.1.0.53:53 (connection refused)",
                                          "ResolutionError")
        monitor.publish(snapshot("hcp1", dns=dns))
        await pilot.pause()
        shown = str(strip.render())
        assert "stale, 2 s old: no name server listens at 10.1.0.53:53 (connection refused)" in shown


async def test_forbidden_tenants_show_the_role_hint_while_nodes_and_links_keep_updating() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        monitor.publish(snapshot("hcp1", tenants=forbidden_tenants()))
        await pilot.press("2")
        await until(pilot, lambda: table(app, "namespaces").row_count, "namespaces shown")
        banner = app.query_one(NamespacesPane).query_one(Banner)
        shown = str(banner.render())
        assert banner.display and "access denied" in shown and "MONITOR or ADMINISTRATOR role" in shown
        assert set(column_texts(table(app, "namespaces"), "system")) == {"hcp2"}
        monitor.publish(snapshot("hcp1", tenants=forbidden_tenants(), down=(1,),
                                 links=snapshot("hcp1").links.failed("boom", "Timeout")))
        await pilot.press("1")
        assert str(table(app, "nodes").get_cell("hcp1/10.1.0.11", "state")) == "down"
        await pilot.press("3")
        await until(pilot, lambda: table(app, "links").row_count == 4, "links shown")


async def test_cells_that_do_not_fit_abbreviate_by_meaning_and_the_detail_view_shows_them_whole() -> None:
    long_name = "quarterly-reports-archive-2024-q4-final"
    views = (namespace_view("finance", long_name, 1_000, GB, 10, busy=activity(0.5, 0)),)
    tenants = Reading((TenantView("finance", None, statistics(1_000, GB), views),), NOW - 20, interval=60.0)
    app, _ = build(monitor=FakeMonitor(make_config(), {"hcp1": snapshot("hcp1", tenants=tenants)}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        namespaces = table(app, "namespaces")
        await until(pilot, lambda: namespaces.row_count == 1, "the namespace shown")
        await pilot.pause()
        row = namespaces.render_line(1).text
        assert "quarterly-re…24-q4-final" in row, "a name loses its middle"
        assert "512.00KB/s" in row, "a figure loses the space before its unit, not its digits"
        await pilot.press("enter")
        assert isinstance(app.screen, NamespaceDetailScreen)
        assert any(long_name in line for line in drawn_lines(app.screen.query_one("#detail-body")))


async def test_server_strings_render_literally() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        namespaces = table(app, "namespaces")
        await until(pilot, lambda: namespaces.row_count, "namespaces shown")
        assert "[bold red]x" in column_texts(namespaces, "namespace")
        await pilot.press("4")
        await until(pilot, lambda: table(app, "events").row_count, "events shown")
        assert any("[b]Timeout[/b]" in text for text in column_texts(table(app, "events"), "message"))
        await pilot.press("2")
        await select_row(pilot, "namespaces-table", "hcp1/finance/[bold red]x")
        await pilot.press("enter")
        assert isinstance(app.screen, NamespaceDetailScreen)
        assert any("[bold red]x" in line for line in drawn_lines(app.screen.query_one("#detail-body")))


async def test_namespace_detail_shows_permission_matrix_and_retention_classes() -> None:
    app, _ = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await select_row(pilot, "namespaces-table", "hcp1/finance/ledger")
        await pilot.press("enter")
        body = "\n".join(drawn_lines(app.screen.query_one("#detail-body")))
        assert "User effective" in body and "legal-7y" in body and "[red]forever[/red]" in body
        await pilot.press("escape")
        assert not isinstance(app.screen, NamespaceDetailScreen)


async def test_detail_views_at_120_columns_keep_labels_apart_from_values_and_tables_unwrapped() -> None:
    app, _ = build()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await select_row(pilot, "links-table", "hcp1/aa-finance")
        await pilot.press("enter")
        link = drawn_lines(app.screen.query_one("#detail-body"))
        assert "Compression / encryption  yes / yes" in link
        assert "Verdict                   OK" in link
        await pilot.press("escape", "2")
        await select_row(pilot, "namespaces-table", "hcp1/finance/ledger")
        await pilot.press("enter")
        namespace = drawn_lines(app.screen.query_one("#detail-body"))
        header = next(index for index, line in enumerate(namespace) if line.split()[:2] == ["Permission", "Namespace"])
        assert namespace[header].split()[1:] == ["Namespace", "Namespace", "effective", "User", "User", "effective"]
        rows = namespace[header + 1:header + 11]
        assert [row.split()[0] for row in rows] == ["browse", "read", "write", "read_acl", "write_acl",
                                                    "change_owner", "delete", "privileged", "purge", "search"]
        assert all(len(row.split()) == 5 for row in rows), "each permission on one line, a mark per mask"
        assert namespace[header + 11] == "", "no wrapped remainder after the last permission"
        for lines in (link, namespace):
            fields = [line for previous, line in zip(["", *lines], lines, strict=False) if previous and line]
            assert all(line[24:26] == "  " for line in fields), "a label runs into its value"


async def test_pause_refresh_and_interval_keys_reach_the_monitor() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert monitor.paused and "PAUSED" in str(app.query_one("#status-header").render())
        await pilot.press("p", "ctrl+r", "plus", "minus")
        assert not monitor.paused and monitor.refreshes == 1
        assert monitor.scales == [1.5, 1 / 1.5]


async def test_refresh_while_paused_polls_once_and_says_polling_stays_paused() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "ctrl+r")
        assert monitor.paused and monitor.refreshes == 1
        assert app._notifications and list(app._notifications)[-1].message == (
            "Polling every resource once now; polling stays paused")
        header = str(app.query_one("#status-header").render())
        assert "PAUSED" in header and "updated 2 s ago" in header


async def test_bindings_are_remapped_by_id_from_the_config() -> None:
    app, monitor = build(bindings={"pause": "z", "link.fail-over": "O"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        assert not monitor.paused
        await pilot.press("z")
        assert monitor.paused
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("Static").render())
        assert "link.fail-over" in shown and "O " in shown


async def test_warning_events_become_toasts() -> None:
    app, monitor = build()
    async with app.run_test(size=SIZE) as pilot:
        from hcpdash.monitor.events import Severity

        monitor.events.add("hcp1", "node", "10.1.0.12", "node 10.1.0.12 down", Severity.CRITICAL)
        for _ in range(100):  # toasts are coalesced over a short window
            if any("node 10.1.0.12 down" in n.message for n in app._notifications):
                break
            await pilot.pause(0.05)
        assert [n.message for n in app._notifications] == ["hcp1: node 10.1.0.12 down"]
        await pilot.press("4")
        await until(pilot, lambda: table(app, "events").item_count == 4, "the new event shown")


async def test_a_read_only_config_also_removes_the_actions() -> None:
    cfg = make_config(read_only=True)
    app = HcpDashApp(FakeMonitor(cfg), cfg)
    assert not app.writable
