"""Shared CLI plumbing: config loading, error exits, and the error edge of every command.

A command that fails says so on one line of stderr (``bianmin: ...``): the precise English
cause for the technician, and where a villager would meet the same fault at the kiosk, the
very sentence the kiosk shows, from the message catalogue (:func:`sentence`).
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from kiosk.config import ENV_VAR, Config, ConfigError
from kiosk.config import load_config as _load
from kiosk.core.errors import explain
from kiosk.core.messages import messages_for


class Failure(click.ClickException):
    """A command failed for a reason other than usage (exit status 1)."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"bianmin: {self.format_message()}", err=True)


def sentence(exc: BaseException) -> str:
    """What the kiosk tells a villager about ``exc``: its catalogue sentence (see ``explain``)."""
    messages = messages_for()
    key, params = explain(exc, messages)
    return messages.get(key, **params)


def cause_and_sentence(exc: BaseException) -> str:
    """``CAUSE (SENTENCE)``: the English cause for the technician, then the kiosk's sentence."""
    return f"{exc} ({sentence(exc)})"


class ConfigFailure(click.ClickException):
    """The configuration is unusable (exit status 2)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"bianmin: config: {self.format_message()}", err=True)


def load_config(ctx: click.Context) -> Config:
    """The validated configuration for this invocation, loaded once."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "config" not in root.obj:
        site_file = root.params.get("config_path")
        if not site_file:
            raise ConfigFailure(
                f"no site file: give --config PATH or set {ENV_VAR}"
                " (on an installed kiosk: /etc/bianmin/site.toml; every key is documented"
                " in config/example-site.toml)"
            )
        try:
            root.obj["config"] = _load(site_file)
        except ConfigError as exc:
            raise ConfigFailure(str(exc)) from None
    return root.obj["config"]


def load_running_config(ctx: click.Context) -> str:
    """Load the configuration a kiosk runs on: the site file, or while it does not load,
    its last good copy (``site.toml.last-good``). Returns the site file's error line
    ("" when it loads); later :func:`load_config` and :func:`services` use what was loaded.
    """
    from kiosk.core.upkeep.site_watch import load_running_config as load_running

    root = ctx.find_root()
    root.ensure_object(dict)
    path = root.params.get("config_path")
    if "config" in root.obj or not path:
        load_config(ctx)
        return ""
    try:
        state = load_running(path)
    except ConfigError as exc:
        raise ConfigFailure(str(exc)) from None
    root.obj["config"] = state.config
    return state.problem


def services(ctx: click.Context):
    """The composition root's services for this invocation, built once, closed at exit."""
    from kiosk.app import build_app
    from kiosk.core.privacy.files import DataDirError
    from offline_sync.store import StoreError
    from offline_sync.vault import VaultError

    root = ctx.find_root()
    root.ensure_object(dict)
    if "services" not in root.obj:
        config = load_config(ctx)
        try:
            built = build_app(config)
        except (DataDirError, StoreError, VaultError) as exc:
            raise Failure(str(exc)) from None
        root.obj["services"] = built
        root.call_on_close(built.close)
    return root.obj["services"]


def audit(ctx: click.Context, action: str, detail: dict | None = None) -> None:
    """Record in the audit log what was done from the shell (actor ``shell:<user>``).

    A technician's tool also runs on a box whose store cannot be opened (a missing key, a
    broken site file): then it says on stderr that the action is not in the log, and the
    command still succeeds.
    """
    from kiosk.core.audit import shell_actor

    try:
        log = services(ctx).audit
    except click.ClickException as exc:
        click.echo(f"bianmin: note: not in the audit log ({exc.format_message()})", err=True)
        return
    log.record(shell_actor(), action, detail)


def emit_json(value) -> None:
    """Print one JSON document (UTF-8, Chinese as itself)."""
    import json

    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@contextmanager
def sigterm_ends_it() -> Iterator[None]:
    """Within the block, SIGTERM ends the command as Ctrl-C would: its ``finally`` blocks run
    (a device is closed, a pty removed) and it exits with status 0. The previous handler is
    back after the block."""

    def exit_cleanly(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, exit_cleanly)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# Loggers that would say a line per HTTP request at INFO; they speak up from WARNING only.
CHATTY = ("httpx", "httpcore")


@contextmanager
def logs_to_stderr(*names: str, level: int | None = logging.INFO) -> Iterator[None]:
    """The logs of the loggers ``names`` ("" for every logger) go to stderr at ``level``
    while the block runs, each line once, in one format (None: nowhere, not even warnings;
    the command's own summary says it all); as before after it."""
    if level is None:
        handler: logging.Handler = logging.NullHandler()
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    loggers = [logging.getLogger(name) for name in names]
    chatty = [logging.getLogger(name) for name in CHATTY]
    saved = [(logger.level, logger.propagate) for logger in loggers + chatty]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
        if level is not None:
            logger.setLevel(level)
    for logger in chatty:
        logger.setLevel(max(logger.level, logging.WARNING))
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
        for logger, (old_level, propagate) in zip(loggers + chatty, saved, strict=True):
            logger.setLevel(old_level)
            logger.propagate = propagate
