"""docs/hall.md cannot drift from the hall commands, the [hall] keys and the counter's buttons."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from kiosk.cli.hall import hall
from kiosk.config import Hall
from kiosk.core.hall.desk import SHORTCUTS, DeskAction
from kiosk.core.messages import Messages

DOC = (Path(__file__).resolve().parent.parent / "docs" / "hall.md").read_text("utf-8")


def _commands(group: click.Group, prefix: str):
    for name, command in group.commands.items():
        line = f"{prefix} {name}"
        yield line, command
        if isinstance(command, click.Group):
            yield from _commands(command, line)


def test_every_hall_command_and_option_is_documented():
    for line, command in _commands(hall, "bianmin hall"):
        assert line in DOC, f"{line} is not documented"
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in ("config_path", "pin"):
                assert any(opt in DOC for opt in param.opts), f"{line} {param.opts[0]}"


def test_every_hall_setting_and_counter_button_is_documented():
    for f in dataclasses.fields(Hall):
        assert f"{f.name} = " in DOC, f"[hall] {f.name}"
    messages = Messages()
    for action in DeskAction:
        label = messages.get(f"hall.counter.action.{action}")
        assert f"| {label}" in DOC or f"/ {label}" in DOC, label
        if action in SHORTCUTS:
            assert f"| {SHORTCUTS[action]} |" in DOC, action


def test_the_readme_points_to_the_hall_guide():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert "docs/hall.md" in readme
