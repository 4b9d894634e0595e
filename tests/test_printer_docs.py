"""docs/printer.md cannot drift from the printer commands."""

from __future__ import annotations

from pathlib import Path

import click

from devices.printer import PrinterState
from kiosk.cli.printer import printer, sim_printer

DOC = (Path(__file__).resolve().parent.parent / "docs" / "printer.md").read_text("utf-8")


def commands():
    for name, command in printer.commands.items():
        yield f"bianmin printer {name}", command
    yield "bianmin sim printer", sim_printer


def test_every_command_option_and_state_is_documented():
    for line, command in commands():
        assert line in DOC, f"{line} is not documented"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "config_path":
                assert any(opt in DOC for opt in param.opts), f"{line} {param.opts[0]}"
    for state in PrinterState:
        assert f"`{state}`" in DOC, state
    assert "bianmin queue take social --print" in DOC
