"""What README and ``--help`` promise about the command line: every documented command and
flag exists, and every exit status a command documents is reached the documented way.

Statuses that need an HCP to answer (0 and 1 of the area commands, 0-3 of ``check``
from verdicts) are tested against the simulator in ``tests/integration``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hcpdash.cli import BUNDLED_THEMES, LINK_ACTIONS, link_action, main
from hcpdash.config import load_config
from hcpdash.tui.themes import bundled_theme_dir

ROOT = Path(__file__).parent.parent.parent
BROKEN = ROOT / "tests" / "configs" / "broken" / "wrong_type.yaml"


def readme_commands() -> list[tuple[list[str], list[str]]]:
    """(command words, flags) for every command named in README's command table."""
    found = []
    for line in (ROOT / "README.md").read_text().splitlines():
        if not line.startswith("| `hcpdash"):
            continue
        cell = line.split("|")[1]
        flags = [f.replace("[no-]", "") for f in re.findall(r"--(?:\[no-\])?[a-z][a-z-]*", cell)]
        words: list[str] = []
        for code in re.findall(r"`([^`]+)`", cell):
            tokens = code.split()
            if tokens[0] == "hcpdash":
                words = [t for t in tokens[1:] if re.fullmatch(r"[a-z]+", t)]
                found.append((words, flags))
            elif re.fullmatch(r"[a-z]+", code):  # `namespaces` after `hcpdash nodes` / ...
                found.append(([*words[:-1], code], flags))
    return found


def help_text(words: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*words, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_the_readme_table_is_read() -> None:
    commands = [" ".join(words) for words, _ in readme_commands()]
    assert {"", "check", "nodes", "namespaces", "links", "config validate", "bench"} <= set(commands)


@pytest.mark.parametrize(("words", "flags"), readme_commands(), ids=lambda v: " ".join(v) or "hcpdash")
def test_every_documented_command_and_flag_exists(words: list[str], flags: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text = help_text(words, capsys)
    assert f"usage: hcpdash {' '.join(words)}".strip() in text
    for flag in flags:
        assert flag in text, f"README documents {flag} for 'hcpdash {' '.join(words)}'"


def test_help_names_the_bundled_themes_and_the_state_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert sorted(BUNDLED_THEMES) == sorted(p.stem for p in bundled_theme_dir().glob("*.yaml"))
    text = " ".join(help_text([], capsys).split())
    assert all(name in text for name in BUNDLED_THEMES)
    assert "HCPDASH_STATE_DIR" in text


@pytest.mark.parametrize(("typed", "sent"), [
    ("failover", "failOver"), ("fail-over", "failOver"), ("FAILOVER", "failOver"), ("failOver", "failOver"),
    ("fail_back", "failBack"), ("begin-recovery", "beginRecovery"), ("Complete-Recovery", "completeRecovery"),
    ("SUSPEND", "suspend"), ("resume", "resume"), ("restore", "restore"),
])
def test_link_actions_accept_the_usual_spellings(typed: str, sent: str) -> None:
    assert link_action(typed) == sent


def test_link_help_lists_every_action(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(help_text(["link"], capsys).split())
    assert all(action in text for action in LINK_ACTIONS)
    assert "fail-over" in text


def test_config_example_prints_a_valid_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "example"]) == 0
    example = tmp_path / "config.yaml"
    example.write_text(capsys.readouterr().out)
    assert load_config(example).systems


def test_a_missing_config_points_to_the_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.yaml"
    assert main(["nodes", "--config", str(missing)]) == 2
    assert capsys.readouterr().err == (f"{missing}: file not found (give --config PATH, set HCPDASH_CONFIG, "
                                       f"or start from the example: hcpdash config example > {missing})\n")


# ---------------------------------------------------------------- exit statuses without an HCP


@pytest.mark.parametrize("command", [["check"], ["check", "--json"]])
def test_check_is_unknown_when_it_cannot_check(command: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--config", str(tmp_path / "none.yaml")]) == 3
    assert main([*command, "--config", str(BROKEN)]) == 3
    assert main([*command, "--no-such-flag"]) == 3
    err = capsys.readouterr().err
    assert "file not found" in err and "must be an integer" in err and "--no-such-flag" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["nodes"], ["namespaces"], ["links"], ["link", "resume", "l1"],
                                     ["config", "validate"], ["config", "show"], ["serve"], []])
def test_other_commands_exit_2_on_a_broken_config_or_a_bad_flag(command: list[str],
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--config", str(BROKEN)]) == 2
    assert main([*command, "--no-such-flag"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_check_is_unknown_for_a_malformed_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--json=yes"])
    assert exited.value.code == 3
    assert "ignored explicit argument 'yes'" in capsys.readouterr().err


@pytest.mark.parametrize(("arguments", "message"), [
    (["--simulate", "--nodes", "-1"], "hcpdash bench: --nodes must be between 1 and 200 (got -1)"),
    (["--simulate", "--tenants", "-3"], "hcpdash bench: --tenants must be between 0 and 5000 (got -3)"),
    (["--simulate", "--cycles", "0"], "hcpdash bench: --cycles must be between 1 and 1000 (got 0)"),
    (["--cycles", "-2"], "hcpdash bench: --cycles must be between 1 and 1000 (got -2)"),
])
def test_bench_refuses_bad_arguments_before_starting_anything(arguments: list[str], message: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", *arguments]) == 2
    assert capsys.readouterr().err == message + "\n"


def test_bench_refuses_a_non_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bench", "--nodes", "many"])
    assert exited.value.code == 2
    assert "invalid int value: 'many'" in capsys.readouterr().err


@pytest.mark.parametrize(("command", "arguments", "message"), [
    ("demo", ["--nodes", "0"], "hcpdash demo: --nodes must be between 1 and 200 (got 0)"),
    ("demo", ["--phase-seconds", "-1"], "hcpdash demo: --phase-seconds must be positive"),
    ("simulate", ["--links", "101"], "hcpdash simulate: --links must be between 0 and 100 (got 101)"),
])
def test_simulator_commands_refuse_bad_scale_before_starting(command: str, arguments: list[str], message: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, *arguments]) == 2
    assert capsys.readouterr().err == message + "\n"
