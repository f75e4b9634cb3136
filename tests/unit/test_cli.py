"""The command surface: help, version, commands that are not built yet, logging."""

from __future__ import annotations

import logging
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from hcpdash import __version__, redact
from hcpdash.cli import build_parser, main
from hcpdash.logs import setup_logging

SUBCOMMANDS = ["demo", "simulate", "check", "nodes", "namespaces", "links", "link", "config", "bench"]


def test_version_lists_hcpdash_and_key_dependencies(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"hcpdash {__version__}"
    for dist in ("textual", "httpx", "dnspython", "pyyaml"):
        assert f"{dist} {metadata.version(dist)}" in lines
    assert lines[-1].startswith("Python 3.")


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run([sys.executable, "-m", "hcpdash", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.startswith(f"hcpdash {__version__}\n")


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert f"usage: hcpdash {command}" in capsys.readouterr().out


def test_top_level_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in SUBCOMMANDS:
        assert f"    {command} " in out


def test_link_rejects_an_unknown_action_as_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["link", "failover-now", "l1"])
    assert exited.value.code == 2
    assert "unknown action 'failover-now'; one of: suspend, resume, restore, failOver" in capsys.readouterr().err


def test_global_flags_work_after_the_command() -> None:
    args = build_parser().parse_args(["links", "--json", "--read-only", "--config", "x.yaml", "-q"])
    assert (args.command, args.json, args.read_only, args.config, args.quiet) == ("links", True, True, "x.yaml", True)


def test_log_records_never_contain_registered_secrets(tmp_path: Path) -> None:
    secret = "hunter2-but-longer"
    redact.register(secret)
    log_file = tmp_path / "hcpdash.log"
    setup_logging(verbose=2, log_file=log_file)
    log = logging.getLogger("hcpdash.test")
    log.info("connecting with password %s", secret)
    try:
        raise RuntimeError(f"server echoed {secret}")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger("hcpdash").handlers:
        handler.flush()
    text = log_file.read_text()
    assert "connecting with password ***" in text
    assert "server echoed ***" in text
    assert secret not in text


def test_quiet_hides_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(quiet=True)
    logging.getLogger("hcpdash.test").warning("a warning")
    logging.getLogger("hcpdash.test").error("an error")
    err = capsys.readouterr().err
    assert "a warning" not in err and "an error" in err
