"""The ``hcpdash`` command line: argument parsing and dispatch.

Exit status: 0 success, 1 some data could not be read (or an action did not succeed),
2 usage or configuration error; ``check`` follows the Nagios convention (0 OK,
1 WARNING, 2 CRITICAL, 3 UNKNOWN, a broken config or usage error included). An expected failure is one line
on stderr naming what failed and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from hcpdash import __version__

if TYPE_CHECKING:
    from hcpdash.config import Config

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_CHECK_UNKNOWN = 3
"""``check`` is a Nagios plugin: anything that prevents checking is UNKNOWN."""

# Action names as HCP spells them; any case, and with '-', '_' or ' ' between the words, is accepted.
LINK_ACTIONS = ("suspend", "resume", "restore", "failOver", "failBack", "beginRecovery", "completeRecovery")
BUNDLED_THEMES = ("dark", "light", "high-contrast")
THEME_HELP = (f"dashboard theme: {', '.join(BUNDLED_THEMES)} (default dark), or the name of a YAML theme file "
              "in the themes/ folder of the user config dir")
STATE_DIR_HELP = ("The audit journal and history live in the platform state dir "
                  "(e.g. ~/.local/state/hcpdash); set HCPDASH_STATE_DIR to use another directory.")


def link_action(text: str) -> str:
    """``fail-over``, ``FAILOVER``, ``fail_over`` → ``failOver``: the spelling HCP expects."""
    squashed = text.replace("-", "").replace("_", "").replace(" ", "").lower()
    for action in LINK_ACTIONS:
        if action.lower() == squashed:
            return action
    raise argparse.ArgumentTypeError(f"unknown action {text!r}; one of: {', '.join(LINK_ACTIONS)}")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with ``usage_status`` (3 for ``check``)."""

    usage_status = EXIT_USAGE

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(self.usage_status, f"{self.prog}: error: {message}\n")


def versions_text() -> str:
    """hcpdash's version and those of the libraries whose behaviour matters most."""
    from importlib import metadata
    import platform

    lines = [f"hcpdash {__version__}"]
    for dist in ("textual", "httpx", "dnspython", "pyyaml"):
        try:
            lines.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{dist} (not installed)")
    lines.append(f"Python {platform.python_version()}")
    return "\n".join(lines)


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="print the versions of hcpdash and its key dependencies")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(versions_text())
        parser.exit()


def _global_options() -> argparse.ArgumentParser:
    """Options accepted before or after the subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="config file (default: $HCPDASH_CONFIG, then the platform config dir)")
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="never send a replication action; actions are not even offered")
    verbosity = common.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                           help="more log output (repeat for debug)")
    verbosity.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                           help="only errors")
    common.add_argument("--log-file", metavar="PATH", default=argparse.SUPPRESS,
                        help="append log records to this file (secrets are never logged)")
    return common


# The scale ``bench --simulate`` measures by default: bigger than a demo, like a real site.
BENCH_SCALE = {"nodes": 16, "tenants": 100, "namespaces": 20, "links": 10, "latency_ms": 20}


def build_parser() -> argparse.ArgumentParser:
    """Every command and its options; each command's handler is ``args.run``."""
    common = _global_options()
    parser = _Parser(
        prog="hcpdash", parents=[common],
        description="A terminal dashboard for Hitachi Content Platform: nodes, namespaces and replication links.",
        epilog="Run 'hcpdash COMMAND --help' for a command's options. Without a command, opens the dashboard. "
               + STATE_DIR_HELP)
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS, help=THEME_HELP)
    parser.set_defaults(run=_dashboard)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str, run: Callable[[argparse.Namespace], int] | None,
                under: Any = commands) -> argparse.ArgumentParser:
        sub = under.add_parser(name, parents=[common], help=help, description=help)
        if run is not None:
            sub.set_defaults(run=run)
        return sub

    demo = command("demo", "start the built-in HCP simulator and open the dashboard on it", _demo)
    demo.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS, help=THEME_HELP)
    _add_simulator_arguments(demo, serving=False)

    simulate = command("simulate", "run the HCP simulator in the foreground until interrupted", _simulate)
    _add_simulator_arguments(simulate)

    check = command("check", "one full poll, then a summary; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN",
                    _one_shot(_check))
    check.usage_status = EXIT_CHECK_UNKNOWN  # type: ignore[attr-defined]
    check.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    for area, what in (("nodes", "node health and latency"), ("namespaces", "tenants and namespaces"),
                       ("links", "replication links")):
        area_parser = command(area, f"one poll of {what}, printed as a table or JSON", _one_shot(_area))
        area_parser.add_argument("--json", action="store_true", help="print JSON (stable schema)")
        area_parser.add_argument("--system", metavar="NAME", help="only this system")
        if area == "nodes":
            area_parser.add_argument("--forget", metavar="ADDRESS",
                                     help="drop a decommissioned node from the system's node inventory (with --system)")

    link = command("link", "one replication action, with validity checks, preflight and audit",
                   _one_shot(_link))
    link.add_argument("action", type=link_action, metavar="ACTION",
                      help=f"one of: {', '.join(LINK_ACTIONS)}; any case, words may be joined by - or _ "
                           "(failover, fail-over, begin-recovery)")
    link.add_argument("link", metavar="LINK", help="link name (case-insensitive, as HCP treats it)")
    link.add_argument("--system", metavar="NAME", help="the system to send the action to (required if several)")
    link.add_argument("--reason", metavar="TEXT", help="why; recorded in the audit journal")
    link.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    serve = command("serve", "the monitor headless, as a Prometheus exporter (/metrics, /healthz)", _serve)
    serve.add_argument("--metrics", metavar="HOST:PORT", help="listen address (default: metrics.listen, 127.0.0.1:9477)")
    serve.add_argument("--metrics-namespaces", action=argparse.BooleanOptionalAction, default=None,
                       help="per-namespace series (default: metrics.namespaces, on)")

    replay = command("replay", "the dashboard on recorded history, read-only, with a time cursor", _replay)
    replay.add_argument("--from", dest="start", metavar="TIME",
                        help='2026-12-02T03:12, 03:12, "2h ago" or now (default: an hour before --to)')
    replay.add_argument("--to", metavar="TIME", help="end of the range (default: the end of the recording)")
    replay.add_argument("--system", metavar="NAME", help="only this system")
    replay.add_argument("--json", action="store_true", help="export the range as one JSON document")
    web = command("web", "the dashboard in a browser (textual-serve); loopback and read-only unless told otherwise",
                  _web)
    web.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1; another address warns)")
    web.add_argument("--port", type=int, default=8765, help="listen port (default 8765)")
    web.add_argument("--allow-actions", action="store_true", help="offer replication actions in the browser")
    web.add_argument("--public-url", metavar="URL", help="the address browsers use, when behind a reverse proxy")
    web.add_argument("--theme", metavar="NAME", default=argparse.SUPPRESS, help=THEME_HELP)

    config = command("config", "check or show the configuration", None)
    config_commands = config.add_subparsers(dest="config_command", metavar="SUBCOMMAND", required=True)
    command("validate", "report every problem in the config, with file:line", _config_validate, config_commands)
    command("show", "show the effective config with secrets redacted", _config_show, config_commands)
    command("example", "print the documented example config (a starting point for your own)", _config_example,
            config_commands)

    bench = command("bench", "measure full poll cycles of the first configured system, or of a simulator it starts",
                    _bench)
    bench.add_argument("--simulate", action="store_true", help="start a simulator with the scale below")
    bench.add_argument("--cycles", type=int, default=3, help="poll cycles to measure (default 3)")
    _add_simulator_arguments(bench, defaults=BENCH_SCALE, serving=False)
    return parser


def _add_simulator_arguments(parser: argparse.ArgumentParser, **how: Any) -> None:
    try:
        from hcpdash.sim.cli import add_arguments
    except ImportError:
        return
    add_arguments(parser, **how)


# ---------------------------------------------------------------- commands


def _load(args: argparse.Namespace, *, with_bindings: bool = False) -> Config:
    """The config; ``with_bindings`` also checks ``bindings:`` against the dashboard's keys (imports Textual)."""
    from hcpdash.config import load_config

    if not with_bindings:
        return load_config(getattr(args, "config", None))
    from hcpdash.tui.keys import binding_problem

    return load_config(getattr(args, "config", None), check_binding=binding_problem)


def _usage_status(args: argparse.Namespace) -> int:
    return EXIT_CHECK_UNKNOWN if args.command == "check" else EXIT_USAGE


def _config_validate(args: argparse.Namespace) -> int:
    from hcpdash.config import config_warnings

    config = _load(args, with_bindings=True)
    for warning in config_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    names = ", ".join(s.name for s in config.systems)
    count = len(config.systems)
    print(f"{config.path}: valid: {count} system{'s' if count != 1 else ''} ({names})")
    return EXIT_OK


def _config_show(args: argparse.Namespace) -> int:
    from hcpdash.config import render_config
    from hcpdash.monitor.node_inventory import InventoryStore

    print(render_config(_load(args)), end="")
    print(f"# node inventories: {InventoryStore.in_state_dir().directory}/<system>.json")
    return EXIT_OK


def _config_example(args: argparse.Namespace) -> int:
    from hcpdash.config import example_config

    print(example_config(), end="")
    return EXIT_OK


def _one_shot(run: Callable[..., int]) -> Callable[[argparse.Namespace], int]:
    """A command that polls the configured systems once: ``run(config, args)``."""

    def handler(args: argparse.Namespace) -> int:
        from hcpdash import commands
        from hcpdash.config import config_warnings

        config = _load(args)
        if getattr(args, "read_only", False):
            config = dataclasses.replace(config, read_only=True)
        for warning in config_warnings(config):
            print(f"warning: {warning}", file=sys.stderr)
        try:
            return run(config, args)
        except commands.UsageError as exc:
            print(f"hcpdash: {exc}", file=sys.stderr)
            return _usage_status(args)

    return handler


def _check(config: Config, args: argparse.Namespace) -> int:
    from hcpdash.commands import run_check

    return run_check(config, args)


def _area(config: Config, args: argparse.Namespace) -> int:
    from hcpdash.commands import run_area, run_forget

    if getattr(args, "forget", None) is not None:
        return run_forget(config, args)
    return run_area(config, args)


def _link(config: Config, args: argparse.Namespace) -> int:
    from hcpdash.commands import run_link

    return run_link(config, args)


def _dashboard(args: argparse.Namespace) -> int:
    from hcpdash.config import config_warnings, state_dir
    from hcpdash.logs import console_off
    from hcpdash.monitor.recorder import HistoryRecorder
    from hcpdash.monitor.service import MonitorService
    from hcpdash.tui.run import run_dashboard

    config = _load(args, with_bindings=True)
    for warning in config_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    read_only = getattr(args, "read_only", False)
    console_off()
    monitor = MonitorService(config, read_only, recorder=HistoryRecorder.in_directory(state_dir()))
    return run_dashboard(monitor, config, getattr(args, "theme", None), read_only)


def _demo(args: argparse.Namespace) -> int:
    from hcpdash.demo import run_demo
    from hcpdash.logs import console_off
    from hcpdash.sim.cli import options_from_args, options_problem

    options = options_from_args(args)
    problem = options_problem(options)
    if problem:
        print(f"hcpdash demo: {problem}", file=sys.stderr)
        return EXIT_USAGE
    console_off()
    return run_demo(getattr(args, "read_only", False), getattr(args, "theme", None), options)


def _bench(args: argparse.Namespace) -> int:
    from hcpdash.bench import run_bench
    from hcpdash.sim.cli import options_from_args, options_problem

    problem = options_problem(options_from_args(args)) if args.simulate else None
    if not 1 <= args.cycles <= 1000:
        problem = f"--cycles must be between 1 and 1000 (got {args.cycles})"
    if problem:
        print(f"hcpdash bench: {problem}", file=sys.stderr)
        return EXIT_USAGE

    return run_bench(args, getattr(args, "config", None))


def _web(args: argparse.Namespace) -> int:
    from hcpdash.tui.run import check_theme
    from hcpdash.web import serve_web

    config = _load(args)
    theme = getattr(args, "theme", None)
    problem = check_theme(theme) if theme else None
    if problem is not None or not 0 < args.port < 65536:
        print(f"hcpdash: {problem or f'--port {args.port}: not a TCP port (1-65535)'}", file=sys.stderr)
        return EXIT_USAGE
    return serve_web(Path(config.path or "").resolve(), host=args.host, port=args.port,
                     allow_actions=args.allow_actions, theme=theme, public_url=args.public_url)


def _serve(args: argparse.Namespace) -> int:
    from hcpdash.config import config_warnings
    from hcpdash.exporter.serve import run_serve

    config = _load(args)
    for warning in config_warnings(config):
        print(f"warning: {warning}", file=sys.stderr)
    return run_serve(config, args.metrics, args.metrics_namespaces, getattr(args, "quiet", False))


def _replay(args: argparse.Namespace) -> int:
    from hcpdash.replay import run_replay

    return run_replay(args, getattr(args, "config", None), getattr(args, "theme", None))


def _simulate(args: argparse.Namespace) -> int:
    from hcpdash.sim.cli import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a closed standard output (``| head -1``) ends it quietly with its usual status."""
    from hcpdash.closed_pipe import ClosedPipeGuard

    original = sys.stdout
    sys.stdout = guard = ClosedPipeGuard(original)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        guard.flush()
        sys.stdout = original


def _main(argv: Sequence[str] | None) -> int:
    from hcpdash.config import ConfigError, SecretError
    from hcpdash.logs import setup_logging
    from hcpdash.stopping import Stopped

    parser = build_parser()
    args, unrecognized = parser.parse_known_args(argv)
    if unrecognized:
        print(f"hcpdash: error: unrecognized arguments: {' '.join(unrecognized)} (see hcpdash --help)",
              file=sys.stderr)
        return _usage_status(args)
    if hasattr(signal, "SIGXFSZ"):  # past a file size limit a write fails (and is reported) instead of killing us
        with contextlib.suppress(ValueError):  # not the main thread (an embedding program): leave it
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        setup_logging(getattr(args, "verbose", 0), getattr(args, "quiet", False), getattr(args, "log_file", None))
    except OSError as exc:
        print(f"hcpdash: cannot open log file {exc.filename}: {exc.strerror}", file=sys.stderr)
        return _usage_status(args)
    needs_simulator = args.command in ("simulate", "demo") or getattr(args, "simulate", False)
    if needs_simulator and not hasattr(args, "seed"):
        print("hcpdash: the simulator is not available in this installation.", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _usage_status(args)
    except SecretError as exc:
        print(f"hcpdash: {exc}", file=sys.stderr)
        return _usage_status(args)
    except BrokenPipeError:
        # The reader went away (``hcpdash check | head -1``): end quietly, as a filter does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130
    except Stopped as exc:
        return exc.exit_status
