"""Config sources, credentials by reference, permissions and redaction."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from hcpdash.cli import main
from hcpdash.config import ConfigError, Secret, SecretError, find_config_path, load_config, parse_config

ROOT = Path(__file__).parent.parent.parent
SECRET = "Tr0ub4dor&3-not-for-logs"

MINIMAL = """\
systems:
  - name: prod
    domain: hcp1.example.com
    credentials:
      username: monitor
      password: {password}
"""


def write(tmp_path: Path, text: str, mode: int = 0o600, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    path.chmod(mode)
    return path


def test_example_config_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "validate", "--config", str(ROOT / "hcpdash" / "config" / "example.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.strip().endswith("valid: 2 systems (prod, dr)")


def test_defaults_apply_to_every_system_and_a_system_overrides_them() -> None:
    config = load_config(ROOT / "hcpdash" / "config" / "example.yaml")
    prod, dr = config.systems
    assert prod.poll.links == dr.poll.links == 10
    assert prod.thresholds.lag_warning_s == 900
    assert dr.thresholds.lag_warning_s == 1800
    assert dr.thresholds.lag_critical_s == 3600
    assert dr.thresholds.pending_warning_bytes == 10 * 1024**3
    assert dr.discovery.method == "static" and len(dr.discovery.addresses) == 4
    assert prod.ports.mapi == 9090 and prod.admin_host == "admin.hcp1.example.com"


class TestLookupOrder:
    def test_explicit_path_wins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HCPDASH_CONFIG", str(tmp_path / "env.yaml"))
        assert find_config_path(tmp_path / "flag.yaml") == tmp_path / "flag.yaml"

    def test_environment_variable_next(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HCPDASH_CONFIG", str(tmp_path / "env.yaml"))
        assert find_config_path(None) == tmp_path / "env.yaml"

    def test_platform_config_dir_last(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("HCPDASH_CONFIG", raising=False)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        assert find_config_path(None) == tmp_path / "xdg" / "hcpdash" / "config.yaml"

    def test_cli_reads_the_environment_variable(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, MINIMAL.format(password="{env: HCP_PASSWORD}"), name="from-env.yaml")
        monkeypatch.setenv("HCPDASH_CONFIG", str(path))
        assert main(["config", "validate"]) == 0
        assert str(path) in capsys.readouterr().out

    def test_missing_file_says_how_to_provide_one(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["config", "validate", "--config", str(tmp_path / "nope.yaml")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{tmp_path / 'nope.yaml'}: file not found")
        assert "--config" in err and "HCPDASH_CONFIG" in err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
class TestPermissions:
    def test_inline_secret_in_group_readable_file_is_refused(self, tmp_path: Path) -> None:
        path = write(tmp_path, MINIMAL.format(password=f'"{SECRET}"'), mode=0o640)
        with pytest.raises(ConfigError) as caught:
            load_config(path)
        message = str(caught.value)
        assert message == (f"{path}:6: holds a password inline but is readable by others (mode 0640); "
                           f"run: chmod 600 {path}")
        assert SECRET not in message

    def test_inline_secret_in_private_file_is_accepted(self, tmp_path: Path) -> None:
        path = write(tmp_path, MINIMAL.format(password=f'"{SECRET}"'), mode=0o600)
        assert load_config(path).systems[0].credentials.password.resolve() == SECRET

    def test_references_may_live_in_a_readable_file(self, tmp_path: Path) -> None:
        path = write(tmp_path, MINIMAL.format(password="{env: HCP_PASSWORD}"), mode=0o644)
        assert load_config(path).systems[0].credentials.password.kind == "env"


class TestSecrets:
    def test_environment_reference(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HCPDASH_TEST_PW", SECRET)
        assert Secret("env", ("HCPDASH_TEST_PW",)).resolve() == SECRET

    def test_missing_environment_variable_is_named(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("HCPDASH_TEST_PW", raising=False)
        with pytest.raises(SecretError, match="environment variable HCPDASH_TEST_PW is not set"):
            Secret("env", ("HCPDASH_TEST_PW",)).resolve()

    def test_command_reference_runs_without_a_shell(self, tmp_path: Path) -> None:
        marker = tmp_path / "touched"
        secret = Secret("command", (sys.executable, "-c", f"print({SECRET!r})", f"; touch {marker}"))
        assert secret.resolve() == SECRET
        assert not marker.exists()

    def test_failing_command_reports_status_not_output(self) -> None:
        secret = Secret("command", (sys.executable, "-c", f"print({SECRET!r}); raise SystemExit(3)"))
        with pytest.raises(SecretError) as caught:
            secret.resolve()
        assert "exited with status 3" in str(caught.value)
        assert SECRET not in str(caught.value)

    def test_missing_command_is_reported(self) -> None:
        with pytest.raises(SecretError, match="password command 'hcpdash-no-such-tool' failed"):
            Secret("command", ("hcpdash-no-such-tool",)).resolve()

    def test_repr_never_shows_an_inline_value(self) -> None:
        secret = Secret("inline", (SECRET,))
        assert SECRET not in repr(secret) and SECRET not in str(secret)
        config, problems, _ = parse_config(MINIMAL.format(password=f'"{SECRET}"'))
        assert not problems
        assert SECRET not in repr(config)


def test_config_show_redacts_every_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = MINIMAL.format(password=f'"{SECRET}"') + f"""\
    data_access:
      - tenant: finance
        username: reader
        password: "{SECRET}-data"
"""
    path = write(tmp_path, text)
    assert main(["-vv", "--log-file", str(tmp_path / "log"), "config", "show", "--config", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "username: monitor" in out and "password: <redacted>" in out
    everything = out + err + (tmp_path / "log").read_text()
    assert SECRET not in everything


def test_verify_false_is_allowed_but_warned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.format(password="{env: X}") + "    tls: {verify: false}\n")
    assert main(["config", "validate", "--config", str(path)]) == 0
    assert "warning: prod: TLS verification is off" in capsys.readouterr().err


def test_tls_verification_is_on_by_default() -> None:
    config, problems, _ = parse_config(MINIMAL.format(password="{env: X}"))
    assert not problems and config is not None
    assert config.systems[0].tls.verify is True


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.format(password="{env: X}"))
    path.chmod(0)
    assert main(["config", "validate", "--config", str(path)]) == 2
    assert capsys.readouterr().err == f"{path}: cannot read: Permission denied\n"
