"""docs/scanner.md cannot drift from the scanner commands and config keys."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from kiosk.cli.scanner import scanner, sim_scanner
from kiosk.config import ScannerDevice

DOC = (Path(__file__).resolve().parent.parent / "docs" / "scanner.md").read_text("utf-8")


def commands():
    for name, command in scanner.commands.items():
        yield f"bianmin scanner {name}", command
    yield "bianmin sim scanner", sim_scanner


def test_every_command_option_and_config_key_is_documented():
    for line, command in commands():
        assert line in DOC, f"{line} is not documented"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "config_path":
                assert any(opt in DOC for opt in param.opts), f"{line} {param.opts[0]}"
    assert "[devices.scanner]" in DOC
    for key in dataclasses.fields(ScannerDevice):
        assert f"| `{key.name}` |" in DOC, key.name
