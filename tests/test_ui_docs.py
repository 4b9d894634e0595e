"""docs/kiosk.md cannot drift: every ui command, option and [ui] setting is documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from click.testing import CliRunner

from kiosk.cli.ui import ui
from kiosk.config import Ui

DOC = (Path(__file__).resolve().parent.parent / "docs" / "kiosk.md").read_text("utf-8")


def test_every_ui_command_and_option_is_documented():
    for name, command in ui.commands.items():
        assert f"bianmin ui {name}" in DOC, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option not in ("--config", "--help"):
                    assert option in DOC, f"ui {name} {option}"


def test_every_ui_setting_is_documented():
    for field in dataclasses.fields(Ui):
        assert f"`{field.name}`" in DOC, field.name


def test_ui_help_lists_the_commands():
    result = CliRunner().invoke(ui, ["--help"])
    assert result.exit_code == 0
    for name in ("run", "tour", "demo"):
        assert name in result.output
