"""Config paths that are not files, and arbitrary YAML documents: one clear line each, never a
traceback or a hang."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hcpdash.cli import main
from hcpdash.config import schema


def test_a_directory_as_config_path_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "adir.yaml"
    folder.mkdir()
    assert main(["config", "validate", "--config", str(folder)]) == 2
    assert main(["check", "--config", str(folder)]) == 3
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{folder}: is a directory; give the path of the YAML config file"] * 2


def test_a_fifo_as_config_path_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "config.yaml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "hcpdash", "config", "validate", "--config", str(fifo)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == (f"{fifo}: is not a regular file (a FIFO, socket or device); "
                           "give the path of the YAML config file\n")


def test_a_huge_file_is_not_read_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (2 * 1024**2) + b"\n")
    assert main(["config", "validate", "--config", str(big)]) == 2
    assert capsys.readouterr().err == f"{big}: is larger than 1 MiB; not a config file\n"


def test_a_binary_file_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "config.yaml"
    binary.write_bytes(b"systems:\n  - name: \xff\xfe\n")
    assert main(["config", "validate", "--config", str(binary)]) == 2
    assert capsys.readouterr().err == f"{binary}:2: is not UTF-8 text (byte 0xff)\n"


# ---------------------------------------------------------------- arbitrary documents

# Keys the schema knows, so generated documents reach deep into it, mixed with others.
KNOWN_KEYS = sorted({f for cls in (schema.Config, schema.SystemConfig, schema.Ports, schema.Discovery,
                                   schema.TlsSettings, schema.Credentials, schema.PollIntervals,
                                   schema.Thresholds, schema.ConnectionBudget, schema.Environment)
                     for f in cls.__dataclass_fields__} | {"defaults", "env", "command"})
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=20), st.sampled_from(["static", "dns", "10 GB", "1.2.3.4", "hcp.example.com"]))
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=10), st.integers())
documents = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(keys, inner, max_size=6)), max_leaves=40)


def validate(text: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.yaml"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        with pytest.MonkeyPatch.context() as patch:
            errors: list[str] = []
            patch.setattr(sys, "stderr", _Collect(errors))
            patch.setattr(sys, "stdout", _Collect([]))
            code = main(["config", "validate", "--config", str(path)])
    return code, "".join(errors)


class _Collect:
    def __init__(self, into: list[str]) -> None:
        self.into = into

    def write(self, text: str) -> int:
        self.into.append(text)
        return len(text)

    def flush(self) -> None:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_yaml_document_is_valid_or_exit_2_with_located_lines(document: object) -> None:
    code, err = validate(yaml.safe_dump({"systems": [document]} if isinstance(document, dict) else document))
    assert code in (0, 2)
    assert code == 0 or err, "exit 2 must say why"
    assert all(line.startswith(("/", "warning: ")) for line in err.splitlines()), err


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_valid_or_exit_2(text: str) -> None:
    code, err = validate(text)
    assert code in (0, 2) and (code == 0 or err)
