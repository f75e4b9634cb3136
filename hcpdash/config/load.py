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
from hcpdash.config.reader import SchemaReader, SectionCheck, child, key_name
from hcpdash.config.schema import Config, SystemConfig

MAX_CONFIG_BYTES = 1024**2


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
        return _parse(text, filename, reader)
    except RecursionError:
        return None, [Problem(filename, 1, "", "nested too deeply to be a config file")], []


def _parse(text: str, filename: str, reader: SchemaReader) -> tuple[Config | None, list[Problem], list[int]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc, text, filename)], []
    if root is None:
        return None, [Problem(filename, 1, "systems", "is required (the file is empty)")], []
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        return None, [Problem(filename, root.start_mark.line + 1, "",
                              f"the file holds {kind}; a config is a mapping of keys such as systems:")], []
    rest = []
    for key_node, value_node in root.value:
        if key_name(key_node) == "defaults":
            if isinstance(value_node, yaml.MappingNode):
                rules.check_defaults(reader, value_node)
                systems = next((v for k, v in root.value if key_name(k) == "systems"), None)
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


def _syntax_problem(exc: yaml.YAMLError, text: str, filename: str) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        column = f", column {mark.column + 1}" if mark else ""
        return Problem(filename, line, "", f"YAML syntax error{column}: {exc.problem or exc}")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return Problem(filename, line, "", f"YAML syntax error, column {column}: character U+{exc.character:04X} "
                                           "is not allowed in a YAML file")
    return Problem(filename, 1, "", f"YAML syntax error: {str(exc).splitlines()[0]}")


def read_config_text(path: Path) -> str:
    """The file's text; refuses what is not a small regular UTF-8 file, without blocking on a FIFO."""
    name = str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError([Problem(name, 0, "", "file not found (give --config PATH, set HCPDASH_CONFIG, "
                                                f"or start from the example: hcpdash config example > {name})")]) from None
    except OSError as exc:
        raise ConfigError([Problem(name, 0, "", f"cannot read: {exc.strerror}")]) from None
    if stat.S_ISDIR(mode):
        raise ConfigError([Problem(name, 0, "", "is a directory; give the path of the YAML config file")])
    if not stat.S_ISREG(mode):
        raise ConfigError([Problem(name, 0, "", "is not a regular file (a FIFO, socket or device); "
                                                "give the path of the YAML config file")])
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem(name, 0, "", f"cannot read: {exc.strerror}")]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError([Problem(name, 0, "", f"is larger than {MAX_CONFIG_BYTES // 1024**2} MiB; "
                                                "not a config file")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ConfigError([Problem(name, line, "", f"is not UTF-8 text (byte 0x{data[exc.start]:02x})")]) from None


def load_config(path: str | os.PathLike[str] | None = None, *,
                check_binding: rules.BindingCheck | None = None) -> Config:
    """Find, read, validate and permission-check the config; raise ConfigError on any problem."""
    config_path = find_config_path(path)
    text = read_config_text(config_path)
    config, problems, inline_lines = parse_config(text, str(config_path), check_binding=check_binding)
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

