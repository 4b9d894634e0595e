"""The user docs of cases and the catalogue cannot drift from the commands."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.cases import case, catalogue, demo_seed

DOCS = Path(__file__).resolve().parent.parent / "docs"


def commands():
    for group in (case, catalogue):
        for name, command in group.commands.items():
            yield f"bianmin {group.name} {name}", command
    yield "bianmin demo seed", demo_seed


def test_every_command_and_option_is_in_the_docs():
    text = (DOCS / "cases.md").read_text(encoding="utf-8") + (DOCS / "catalogue.md").read_text(
        encoding="utf-8"
    )
    for line, command in commands():
        assert line in text, f"{line} is not documented"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "config_path":
                assert any(opt in text for opt in param.opts), (
                    f"{line} {param.opts[0]} is not documented"
                )
