"""``bianmin platform``: run the reference provincial platform and act as its staff.

The platform keeps its own SQLite file (``--db``, default ``var/platform.db`` or
``$BIANMIN_PLATFORM_DB``); staff commands open the same file while ``serve`` runs.
"""

from __future__ import annotations

import contextlib
import json
import sys
from datetime import UTC, datetime, timedelta

import click

from devices.idcard.idnumber import is_valid_id_number
from kiosk.cli.common import Failure, emit_json, load_config, logs_to_stderr
from kiosk.core.local_time import local_text
from kiosk.resources import data_path
from offline_sync.contract import CASE_STATUSES
from offline_sync.platform_server import (
    CatalogueError,
    PlatformServer,
    PlatformService,
    StaffError,
)
from offline_sync.store import StoreError

DB_ENV = "BIANMIN_PLATFORM_DB"

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    envvar=DB_ENV,
    default="var/platform.db",
    show_default=True,
    help=f"The platform's SQLite file (or ${DB_ENV}).",
)


def _open(db_path: str) -> PlatformService:
    try:
        return PlatformService.open(db_path, resident_id_valid=is_valid_id_number)
    except StoreError as exc:
        raise Failure(str(exc)) from None


@click.group()
def platform() -> None:
    """The reference provincial platform (参考平台) for tests, demos and pilots."""


@platform.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0: any free port.",
)
@db_option
@click.option(
    "--seed",
    is_flag=True,
    help="Publish the shipped catalogue and holiday calendars; enrol the configured device.",
)
@click.option(
    "--catalogue",
    "catalogue_path",
    type=click.Path(exists=True),
    help="Seed catalogue file or directory (JSON/TOML) instead of the shipped one (implies --seed).",
)
@click.pass_context
def serve(ctx, host, port, db_path, seed, catalogue_path) -> None:
    """Serve the platform over HTTP; prints its URL on the first line once listening."""
    with logs_to_stderr("uvicorn", "offline_sync.platform_server"):
        service = _open(db_path)
        if seed or catalogue_path:
            _seed(ctx, service, catalogue_path)

        def announce() -> None:
            click.echo(server.url)
            sys.stdout.flush()

        try:
            server = PlatformServer(service, host, port, on_started=announce)
        except OSError as exc:
            raise Failure(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        # uvicorn shuts down cleanly on Ctrl-C, then re-raises it: not an error here.
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def _seed(ctx: click.Context, service: PlatformService, catalogue_path: str | None) -> None:
    path = catalogue_path or data_path("assets") / "catalogue"
    try:
        published = service.load_catalogue(path)
    except CatalogueError as exc:
        raise Failure(f"catalogue: {exc}") from None
    calendars = service.load_calendars()
    click.echo(
        f"seed: {published} catalogue items and {calendars} calendars published from {path}",
        err=True,
    )
    if ctx.find_root().params.get("config_path"):
        settings = load_config(ctx).platform
        if settings.device_id and settings.device_secret:
            service.enroll(settings.device_id, settings.device_secret)
            click.echo(
                f"seed: device {settings.device_id} enrolled with the configured secret", err=True
            )


@platform.command("case-status")
@click.argument("case_no")
@click.argument("status", type=click.Choice(CASE_STATUSES))
@click.option("--reason", help="Why (required for needs_correction and rejected).")
@click.option(
    "--result", "result_json", help="Result as a JSON object (e.g. a certificate number)."
)
@db_option
def case_status(case_no, status, reason, result_json, db_path) -> None:
    """Move case CASE_NO to STATUS; the device sees it on its next pull."""
    result = None
    if result_json:
        try:
            result = json.loads(result_json)
        except ValueError as exc:
            raise click.UsageError(f"--result: not JSON: {exc}") from None
        if not isinstance(result, dict):
            raise click.UsageError("--result: expected a JSON object")
    service = _open(db_path)
    try:
        case = service.set_case_status(case_no, status, reason, result)
    except StaffError as exc:
        raise Failure(str(exc)) from None
    finally:
        service.close()
    click.echo(f"{case['case_no']} {case['status']} (step {case['step']})")


@platform.command()
@click.argument("device_id")
@db_option
def enroll(device_id, db_path) -> None:
    """Enrol DEVICE_ID (or give it a new secret); prints the 64-hex secret."""
    service = _open(db_path)
    try:
        click.echo(service.enroll(device_id))
    except StaffError as exc:
        raise Failure(str(exc)) from None
    finally:
        service.close()


@platform.command()
@click.argument("device_id")
@db_option
def disable(device_id, db_path) -> None:
    """Refuse DEVICE_ID's requests from now on (401 unknown_device)."""
    service = _open(db_path)
    try:
        service.disable_device(device_id)
    except StaffError as exc:
        raise Failure(str(exc)) from None
    finally:
        service.close()


@platform.command("add-agent")
@click.argument("agent_id")
@click.argument("name")
@click.option("--pin", required=True, help="4 to 12 digits; only its scrypt hash is kept.")
@click.option(
    "--village", "villages", multiple=True, help="Village code the agent serves (repeatable)."
)
@click.option("--inactive", is_flag=True, help="Create the account deactivated.")
@db_option
def add_agent(agent_id, name, pin, villages, inactive, db_path) -> None:
    """Create or replace an agent (代办专员) account."""
    service = _open(db_path)
    try:
        service.add_agent(agent_id, name, pin, villages, active=not inactive)
    except StaffError as exc:
        raise Failure(str(exc)) from None
    finally:
        service.close()
    click.echo(agent_id)


@platform.command()
@click.argument("title")
@click.argument("text")
@click.option("--valid-from", help="RFC 3339 time; default now.")
@click.option("--valid-to", help="RFC 3339 time; default 30 days after --valid-from.")
@db_option
def notice(title, text, valid_from, valid_to, db_path) -> None:
    """Publish a notice to every device; prints its id."""
    start = valid_from or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if valid_to is None:
        try:
            valid_to = (datetime.fromisoformat(start) + timedelta(days=30)).strftime(
                "%Y-%m-%dT%H:%M:%S%z"
            )
        except ValueError:
            raise click.UsageError(f"--valid-from {start!r}: expected an RFC 3339 time") from None
    service = _open(db_path)
    try:
        click.echo(service.add_notice(title, text, start, valid_to))
    except StaffError as exc:
        raise Failure(str(exc)) from None
    finally:
        service.close()


@platform.command("expire-cursors")
@db_option
def expire_cursors(db_path) -> None:
    """Forget every change-feed cursor: devices get 410 and pull from the beginning."""
    service = _open(db_path)
    service.expire_cursors()
    service.close()


@platform.command()
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option(
    "--retry-after",
    default=60,
    show_default=True,
    type=click.IntRange(0, 86400),
    help="Seconds devices are told to wait.",
)
@db_option
def maintenance(state, retry_after, db_path) -> None:
    """Answer devices 503 with Retry-After (on) or serve them again (off); ping still answers."""
    service = _open(db_path)
    service.set_maintenance(retry_after if state == "on" else None)
    service.close()


@platform.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
@db_option
def cases(as_json, db_path) -> None:
    """List the cases the platform holds, oldest first."""
    service = _open(db_path)
    rows = service.cases()
    service.close()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['case_no']}  {row['status']:<16} step {row['step']}  {row['item_code']}"
            f"  {local_text(row['updated_at'])}"
        )
