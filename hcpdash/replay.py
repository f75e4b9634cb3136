"""``hcpdash replay``: the dashboard, or one JSON document, from the recorded history.

Times are ``2026-12-02T03:12`` (local time unless an offset is given), ``03:12`` (today),
``"2h ago"`` / ``--from=-2h`` (also ``s``, ``m``, ``d``) or ``now``. Without ``--to`` the range ends where
the recording ends; without ``--from`` it starts an hour before that.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from hcpdash.config import Config, Credentials, Secret, SystemConfig, state_dir

EXIT_OK, EXIT_NO_DATA, EXIT_USAGE = 0, 1, 2
_RELATIVE = re.compile(r"^(?:-(\d+(?:\.\d+)?)([smhd])|(\d+(?:\.\d+)?)([smhd]) ago)$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class TimeError(ValueError):
    pass


def parse_time(text: str, now: float) -> float:
    """Seconds since the epoch for one of the forms in the module docstring."""
    value = text.strip()
    if value == "now":
        return now
    if match := _RELATIVE.match(value):
        amount, unit = (match[1], match[2]) if match[1] else (match[3], match[4])
        return now - float(amount) * _UNIT_S[unit]
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value):
        value = time.strftime("%Y-%m-%dT", time.localtime(now)) + value
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        raise TimeError(f"cannot read {text!r} as a time; use 2026-12-02T03:12, 03:12, '2h ago' or now") from None


def _system_config(config: Config | None, name: str) -> SystemConfig:
    if config is not None:
        try:
            return config.system(name)
        except KeyError:
            pass
    return SystemConfig(name=name, domain=name, credentials=Credentials("replay", Secret("inline", ("",))))


def replay_config(config_path: str | None, systems: list[str]) -> Config:
    """The user's config for theme, keys and thresholds when it loads; the recorded systems either way."""
    from hcpdash.config import load_config

    try:
        config: Config | None = load_config(config_path)
    except Exception:  # noqa: BLE001 - a replay needs no working config, only the history file
        config = None
    systems_config = tuple(_system_config(config, name) for name in systems)
    if config is None:
        return Config(systems=systems_config, read_only=True, theme="dark", bindings={})
    return Config(systems=systems_config, read_only=True, theme=config.theme, bindings=config.bindings)


def _fail(message: str, code: int) -> int:
    print(f"hcpdash: {message}", file=sys.stderr)
    return code


def run_replay(args: Any, config_path: str | None, theme: str | None = None) -> int:
    from hcpdash.monitor.history_store import HISTORY_NAME, HistoryFileError, HistoryStore
    from hcpdash.monitor.replay import ReplayMonitor, export

    path = Path(state_dir()) / HISTORY_NAME
    if not path.exists():
        return _fail(f"no history at {path}; the dashboard records it while it runs", EXIT_NO_DATA)
    try:
        store = HistoryStore.open(path, read_only=True)
    except HistoryFileError as exc:
        return _fail(f"cannot read the history {path}: {exc}", EXIT_NO_DATA)
    try:
        span = store.span()
        if span is None:
            return _fail(f"the history {path} is empty; the dashboard records it while it runs", EXIT_NO_DATA)
        now = time.time()
        try:
            end = parse_time(args.to, now) if args.to else span[1]
            start = parse_time(args.start, now) if args.start else end - 3600
        except TimeError as exc:
            return _fail(str(exc), EXIT_USAGE)
        if start > end:
            return _fail("--from is after --to", EXIT_USAGE)
        recorded = store.systems()
        if args.system and args.system not in recorded:
            return _fail(f"no history of system {args.system!r}; recorded: {', '.join(recorded) or 'none'}", EXIT_USAGE)
        systems = [args.system] if args.system else recorded
        if args.json:
            document = export(store, start, end, systems)
            print(json.dumps(document, indent=2, ensure_ascii=False))
            empty = not any(s["series"] or s["states"] or s["events"] for s in document["systems"])
            return _fail("nothing was recorded in that range", EXIT_NO_DATA) if empty else EXIT_OK
        from hcpdash.tui.replay_app import ReplayApp
        from hcpdash.tui.run import check_theme

        config = replay_config(config_path, systems)
        name = theme or config.theme or "dark"
        if (problem := check_theme(name)) is not None:
            return _fail(problem, EXIT_USAGE)
        monitor = ReplayMonitor(store, config, start, end, cursor=start if args.start else end)
        app = ReplayApp(monitor, config, theme=name)
        app.run()
        return EXIT_OK
    finally:
        store.close()
