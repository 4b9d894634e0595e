"""docs/sync.md cannot drift from the sync commands, the status keys and the [sync] keys."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from kiosk.cli.sync import status, sync
from kiosk.config import Sync
from offline_sync.sync import SyncStatus

DOC = (Path(__file__).resolve().parent.parent / "docs" / "sync.md").read_text("utf-8")


def _commands():
    yield "bianmin sync", sync
    for name, command in sync.commands.items():
        yield f"bianmin sync {name}", command
    yield "bianmin status", status


def test_every_command_and_option_is_documented():
    for line, command in _commands():
        assert line in DOC, f"{line} is not documented"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "config_path":
                assert any(opt in DOC for opt in param.opts), f"{line} {param.opts[0]}"


def test_every_config_key_and_status_key_is_documented():
    for f in dataclasses.fields(Sync):
        assert f"{f.name} = " in DOC, f"[sync] {f.name}"
    for key in (
        "pending_records",
        "pending_attachments",
        "dead_letters",
        "last_push_at",
        "last_pull_at",
    ):
        assert f"`{key}`" in DOC, key
    for f in dataclasses.fields(SyncStatus):
        assert f.name in DOC or f.name.replace("_", " ") in DOC, f.name
