"""Find, read, validate and permission-check a config file."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import yaml

from hcpdash.config import rules
from hcpdash.config.paths import find_config_path
from hcpdash.config.problems import ConfigError, Problem
from hcpdash.config.reader import SchemaReader, SectionCheck, child, construct
from hcpdash.config.schema import Config, SystemConfig


def parse_config(text: str, filename: str = "<config>", *, check_binding: rules.BindingCheck | None = None,
                 ) -> tuple[Config | None, list[Problem], list[int]]:
    """Parse and validate; returns the config (if usable), every problem, and inline-secret lines.

    ``check_binding`` validates ``bindings:`` entries; only the dashboard knows its binding ids.
    """
    checks: dict[type, SectionCheck] = {SystemConfig: rules.check_system}
    if check_binding is not None:
        checks[Config] = rules.bindings_rule(check_binding)
    reader = SchemaReader(filename, checks=checks)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f", column {mark.column + 1}" if mark else ""
        return None, [Problem(filename, line, "", f"YAML syntax error{column}: {exc.problem or exc}")], []
    if root is None:
        return None, [Problem(filename, 1, "systems", "is required (the file is empty)")], []
    if isinstance(root, yaml.MappingNode):
        rest = []
        for key_node, value_node in root.value:
            if construct(key_node) == "defaults":
                if isinstance(value_node, yaml.MappingNode):
                    rules.check_defaults(reader, value_node)
                    systems = next((v for k, v in root.value if construct(k) == "systems"), None)
                    if systems is not None:
                        rules.apply_defaults(systems, value_node)
                else:
                    reader.problem(value_node, "defaults", "must be a mapping")
            else:
                rest.append((key_node, value_node))
        root.value = rest
    config = reader.read_section(root, Config, "")
    rules.check_unique_names(reader, child(root, "systems"))
    if reader.problems:
        return None, sorted(reader.problems, key=lambda p: p.line), reader.inline_secrets
    return config, [], reader.inline_secrets


def load_config(path: str | os.PathLike[str] | None = None, *,
                check_binding: rules.BindingCheck | None = None) -> Config:
    """Find, read, validate and permission-check the config; raise ConfigError on any problem."""
    config_path = find_config_path(path)
    name = str(config_path)
    try:
        text = config_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(name, 0, "", "file not found (give --config PATH, set HCPDASH_CONFIG, "
                                                 f"or start from the example: hcpdash config example > {name})")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(name, 0, "", f"cannot read: {exc.strerror if isinstance(exc, OSError) else exc}")]) from None
    config, problems, inline_lines = parse_config(text, name, check_binding=check_binding)
    problems = list(problems)
    if inline_lines:
        problems.extend(_permission_problems(config_path, inline_lines))
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return dataclasses.replace(config, path=config_path)


def _permission_problems(path: Path, lines: list[int]) -> list[Problem]:
    if os.name != "posix":
        return []
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return [Problem(str(path), lines[0], "", f"holds a password inline but is readable by others "
                                                 f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}")]
    return []

