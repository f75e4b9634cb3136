"""The broken-config catalogue: one file per mistake, each with its exact message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcpdash.cli import main
from hcpdash.config import ConfigError, load_config
from hcpdash.tui.keys import binding_problem

BROKEN = Path(__file__).parent.parent / "configs" / "broken"

EXPECTED: dict[str, list[str]] = {
    "bad_yaml_tag.yaml": ["5: systems[0].connections.per_node: not a valid YAML value: ValueError: invalid literal for "
                          "int() with base 10: 'four'"],
    "ca_file_directory.yaml": ["5: systems[0].tls.ca_file: /etc is a directory; give the PEM file of the CA certificate"],
    "ca_file_not_pem.yaml": ["5: systems[0].tls.ca_file: /etc/passwd is not a PEM CA certificate "
                             "(NO_CERTIFICATE_OR_CRL_FOUND)"],
    "ca_file_not_regular.yaml": ["5: systems[0].tls.ca_file: /dev/null is not a regular file; give the PEM file of the "
                                 "CA certificate"],
    "deep_nesting.yaml": ["1: nested too deeply to be a config file"],
    "empty_env_variable.yaml": ["4: systems[0].credentials.password.env: must name an environment variable (got '')"],
    "empty_system_name.yaml": ["2: systems[0].name: must not be empty"],
    "escaped_nul.yaml": ["5: systems[0].environment.label: must not contain control characters (found U+0000)"],
    "huge_poll_interval.yaml": ["6: systems[0].poll.namespaces: must be at most 86400 (got 1e+30)"],
    "infinite_timeout.yaml": ["5: systems[0].connections.read_timeout: must be a finite number (got inf)"],
    "list_as_key.yaml": ["5: systems[0]: a list cannot be used as a key; keys are names such as 'systems'"],
    "nameserver_not_an_ip.yaml": ["5: systems[0].discovery.nameserver: 'not-an-ip' is not an IP address (the name "
                                  "server is asked directly, so give its address, not its name)"],
    "nan_poll_interval.yaml": ["5: systems[0].poll.links: must be a finite number (got nan)"],
    "nul_byte.yaml": ["5: YAML syntax error, column 29: character U+0000 is not allowed in a YAML file"],
    "static_address_not_an_ip.yaml": ["7: systems[0].discovery.addresses[1]: '999.1.1.1' is not an IP address"],
    "system_name_control_character.yaml": ["2: systems[0].name: must not contain control characters (found U+0007)"],
    "system_name_format_character.yaml": ["2: systems[0].name: must not contain control or format characters"],
    "top_level_list.yaml": ["1: the file holds a list; a config is a mapping of keys such as systems:"],
    "bad_byte_size.yaml": ["6: systems[0].thresholds.pending_warning_bytes: must be a size such as 10 GB or a number of bytes (got 'lots')"],
    "bad_domain.yaml": ["3: systems[0].domain: 'hcp1' is not an HCP domain (at least three labels, e.g. hcp1.example.com)"],
    "duplicate_key.yaml": ["6: systems[0].read_only: appears twice"],
    "duplicate_system_names.yaml": ["5: systems[1].name: duplicate system name 'PROD' (first at line 2)"],
    "empty_file.yaml": ["1: systems: is required (the file is empty)"],
    "missing_ca_file.yaml": ["6: systems[0].tls.ca_file: file not found: /nonexistent/hcp-ca.pem"],
    "missing_required_key.yaml": ["2: systems[0].domain: is required"],
    "no_systems.yaml": ["2: systems: must name at least one HCP system"],
    "out_of_range.yaml": ["6: systems[0].ports.mapi: must be at most 65535 (got 70000)"],
    "poll_below_floor.yaml": ["6: systems[0].poll.links: must be at least 2 s (lower intervals load the HCP for no gain)"],
    "several_problems.yaml": [
        "5: systems[0].poll.links: must be at least 2 s (lower intervals load the HCP for no gain)",
        "5: systems[0].poll.namespaces: must be at least 10 s (lower intervals load the HCP for no gain)",
        "6: systems[0].connections.per_node: must be at least 1 (got 0)",
        "7: systems[1].domain: is required",
        "8: systems[1].domian: unknown key; did you mean 'domain'?",
    ],
    "static_without_addresses.yaml": ["6: systems[0].discovery.addresses: is required when method is static"],
    "systems_not_a_list.yaml": ["2: systems: must be a list"],
    "thresholds_out_of_order.yaml": ["6: systems[0].thresholds.lag_warning_s: must not exceed lag_critical_s"],
    "unknown_binding_id.yaml": ["6: bindings.refersh: unknown binding id; did you mean 'refresh'?"],
    "unparseable_binding_key.yaml": [
        "6: bindings.refresh: 'ctrl+refresh' is not a key name Textual knows (e.g. r, R, ctrl+r, f5, question_mark)",
        "7: bindings.help: 'cmd+h' is not a key name Textual knows (e.g. r, R, ctrl+r, f5, question_mark)",
    ],
    "unknown_defaults_key.yaml": [
        "2: defaults.credentials: unknown key; known keys: connections, discovery, environment, poll, ports, "
        "read_only, thresholds, tls"
    ],
    "unknown_discovery_method.yaml": ["6: systems[0].discovery.method: must be one of dns, system, static (got 'mdns')"],
    "unknown_nested_key.yaml": ["6: systems[0].tls.verfy: unknown key; did you mean 'verify'?"],
    "unknown_secret_source.yaml": ["6: systems[0].credentials.password.vault: unknown key; known keys: command, env"],
    "unknown_top_level_key.yaml": ["5: themes: unknown key; did you mean 'theme'?"],
    "wrong_type.yaml": ["6: systems[0].connections.per_node: must be an integer (got 'four')"],
    "yaml_syntax_error.yaml": ["4: YAML syntax error, column 4: expected <block end>, but found '<block mapping start>'"],
}


def test_every_broken_file_has_an_expectation() -> None:
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_config_reports_exact_messages(name: str) -> None:
    path = BROKEN / name
    with pytest.raises(ConfigError) as caught:
        load_config(path, check_binding=binding_problem)
    assert [str(p) for p in caught.value.problems] == [f"{path}:{line}" for line in EXPECTED[name]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_command_prints_them_and_exits_2(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BROKEN / name
    assert main(["config", "validate", "--config", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"{path}:{line}" for line in EXPECTED[name]]
    assert "Traceback" not in err


@pytest.mark.parametrize(("command", "status"), [(["check"], 3), (["nodes"], 2), (["config", "show"], 2), ([], 2)])
def test_other_commands_refuse_a_bad_config_with_the_same_message(
    command: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BROKEN / "wrong_type.yaml"
    assert main(["--config", str(path), *command]) == status
    assert f"{path}:{EXPECTED['wrong_type.yaml'][0]}" in capsys.readouterr().err
