"""Bundled themes load and define every verdict colour; a user can add or override one."""

from __future__ import annotations

from pathlib import Path

import pytest

from hcpdash.tui.themes import REQUIRED_VARIABLES, ThemeError, discover_themes, load_theme


def test_dark_light_and_high_contrast_are_bundled() -> None:
    themes = discover_themes()
    assert {"dark", "light", "high-contrast"} <= set(themes)
    for name in ("dark", "light", "high-contrast"):
        theme = load_theme(themes[name])
        assert theme.name == name
        assert set(REQUIRED_VARIABLES) <= set(theme.variables)
    assert load_theme(themes["light"]).dark is False


def test_a_user_theme_file_is_discovered(tmp_path: Path) -> None:
    text = (discover_themes()["dark"]).read_text().replace("name: dark", "name: solarized")
    (tmp_path / "solarized.yaml").write_text(text)
    themes = discover_themes(extra_dirs=(tmp_path,))
    assert themes["solarized"] == tmp_path / "solarized.yaml"
    assert load_theme(themes["solarized"]).name == "solarized"


@pytest.mark.parametrize(("text", "message"), [
    ("- just a list", "a theme must be a mapping of colours"),
    ("name: x\nprimary: '#fff'\nbackgroud: '#000'\nvariables: {}", "unknown key 'backgroud'"),
    ("name: x\nvariables: {}", "primary: is required"),
    ("name: x\nprimary: '#fff'\nvariables: {verdict-ok: green}", "variables.verdict-warning: is required"),
    ("name: x\nprimary: [", "cannot read theme"),
])
def test_a_broken_theme_file_is_one_clear_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ThemeError) as caught:
        load_theme(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
