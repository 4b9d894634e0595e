"""``bianmin printer``: test page, status, job list and reprint; ``bianmin sim printer``."""

from __future__ import annotations

import dataclasses
import signal
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from devices.printer import (
    EscposPrinter,
    PrinterError,
    PrinterState,
    PrinterUrlError,
    open_printer,
    paper_for,
)
from devices.printer.virtual import Job, VirtualPrinter
from kiosk.cli.common import ConfigFailure, Failure, emit_json, load_config, services
from kiosk.config import PrinterDevice, section_defaults
from kiosk.core.audit import shell_actor
from kiosk.core.local_time import local_text
from kiosk.core.messages import messages_for
from kiosk.core.printing import PrintResult, PrintService, UnknownPrintJob
from kiosk.core.queue import ServiceStats, Ticket
from kiosk.core.receipts import DailyStats, Letterhead, render_test_page
from offline_sync.clock import SystemClock

STATES = [s.value for s in PrinterState]
_url_option = click.option(
    "--printer", "url", metavar="URL", help="Printer URL (default: [devices.printer] url)."
)


def _settings(ctx: click.Context, url: str | None) -> tuple[PrinterDevice, str, Letterhead]:
    """Printer settings, the printer URL and the letterhead; with ``--printer`` given a
    missing or broken site config falls back to the defaults (a bare machine)."""
    try:
        config = load_config(ctx)
    except ConfigFailure:
        if not url:
            raise
        return (
            section_defaults(PrinterDevice),
            url,
            Letterhead("bianmin", ZoneInfo("Asia/Shanghai")),
        )
    settings = config.devices.printer
    url = url or settings.url
    if not url:
        raise click.UsageError(
            f"no printer: give --printer URL or set [devices.printer] url in {config.source}"
        )
    return settings, url, Letterhead(config.site.name, ZoneInfo(config.site.timezone))


def _open(ctx: click.Context, url: str | None) -> tuple[EscposPrinter, Letterhead]:
    settings, url, site = _settings(ctx, url)
    try:
        printer = open_printer(url, paper_for(settings.paper_mm), settings.status_timeout_s)
    except PrinterUrlError as exc:
        raise click.UsageError(str(exc)) from None
    ctx.call_on_close(printer.close)
    return printer, site


@click.group()
def printer() -> None:
    """Receipt printer (小票打印机): status, test page, jobs, reprint."""


@printer.command()
@_url_option
@click.option("--json", "as_json", is_flag=True, help='Print {"state": ...}.')
@click.pass_context
def status(ctx: click.Context, url: str | None, as_json: bool) -> None:
    """Ask the printer for its real-time state (no answer in time: unknown).

    Exit status 0 when it can print (ready, paper_near_end), 1 in any other state.
    """
    device, _ = _open(ctx, url)
    result = device.status()
    if as_json:
        emit_json({"state": str(result.state)})
    else:
        detail = result.detail
        if not detail.startswith(device.url):
            detail = f"{device.url}: {detail}"
        click.echo(f"{result.state}  ({detail})")
    ctx.exit(0 if result.state.can_print else 1)


@printer.command()
@_url_option
@click.pass_context
def test(ctx: click.Context, url: str | None) -> None:
    """Print a test page: Chinese, full-width punctuation, a rare character, sizes, QR, cut."""
    device, site = _open(ctx, url)
    state = device.status()
    if not state.state.can_print and state.state is not PrinterState.UNKNOWN:
        raise Failure(f"{device.url}: printer {state.state} ({state.detail}); nothing sent")
    data = render_test_page(device.document(), site, messages_for(), SystemClock().now())
    try:
        device.send(data)
    except PrinterError as exc:
        raise Failure(str(exc)) from None
    note = "" if state.state.can_print else " (the printer did not answer the status query)"
    click.echo(f"sent {len(data)} bytes to {device.url}: {state.state}{note}")


def _service(ctx: click.Context, url: str | None) -> PrintService:
    app = services(ctx)
    if not url:
        return app.printer
    service = PrintService.from_config(app.config, app.store, app.vault, app.clock, url=url)
    ctx.call_on_close(service.close)
    return service


def _report(result: PrintResult, what: str) -> None:
    if not result.printed:
        raise Failure(f"{what} not printed (job {result.job_id}): {result.detail}")
    click.echo(f"{what} printed (job {result.job_id})", err=True)


@printer.command()
@click.option("--limit", default=20, show_default=True, help="How many of the latest jobs.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def jobs(ctx: click.Context, limit: int, as_json: bool) -> None:
    """The latest print jobs and what became of them (queued, sent, done, failed)."""
    app = services(ctx)
    rows = app.printer.jobs(limit)
    if as_json:
        emit_json([dataclasses.asdict(row) for row in rows])
        return
    for row in rows:
        again = f"  reprint of {row.reprint_of}" if row.reprint_of else ""
        error = f"  {row.error}" if row.error else ""
        at = local_text(row.created_at, app.config.site.timezone)
        click.echo(
            f"{row.job_id:>6} {at}  {row.kind:<9} {row.ref:<12} {row.state:<6}{again}{error}"
        )


@printer.command()
@click.argument("job_id", type=int)
@_url_option
@click.pass_context
def reprint(ctx: click.Context, job_id: int, url: str | None) -> None:
    """Print job JOB_ID again (see `bianmin printer jobs`)."""
    try:
        result = _service(ctx, url).reprint(job_id)
    except UnknownPrintJob:
        raise Failure(f"no print job {job_id}; see `bianmin printer jobs`") from None
    detail = {"job_id": job_id, "new_job_id": result.job_id, "printed": result.printed}
    services(ctx).audit.record(shell_actor(), "print.reprint", detail)
    _report(result, f"reprint of job {job_id}")


def print_daily_stats(
    ctx: click.Context, day: date | None, rows: list[ServiceStats], url: str | None
) -> None:
    """Print a day's statistics slip (``bianmin queue stats --print``; ``day`` None: today
    in the site's zone); exit 1 when it did not print."""
    app = services(ctx)
    day = day or app.clock.now().astimezone(ZoneInfo(app.config.site.timezone)).date()
    names = {service.code: service.name for service in app.config.services}
    slip = DailyStats.from_queue(day, rows, names, app.clock.now())
    _report(_service(ctx, url).daily_stats(slip), f"statistics of {day}")


def print_queue_ticket(ctx: click.Context, ticket: Ticket, url: str | None) -> None:
    """Print a ticket just taken (``bianmin queue take --print``); exit 1 when it did not print."""
    result = _service(ctx, url).ticket(ticket)
    _report(result, f"ticket {ticket.display_no}")


@click.command("printer")
@click.option("--listen", metavar="HOST:PORT", help="Serve ESC/POS on TCP (port 0: any free port).")
@click.option(
    "--pty", "use_pty", is_flag=True, help="Serve on a new pty; its path is the first line."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Write job-NNNN.png/.txt/.bin here (default: a new folder in /tmp, named on stderr).",
)
@click.option("--state", type=click.Choice(STATES), default="ready", show_default=True)
@click.option(
    "--paper", type=click.Choice(["58", "80"]), help="Paper width in mm (default: config)."
)
@click.option("--pace", is_flag=True, help="On a pty, take bytes no faster than the baud rate set.")
@click.pass_context
def sim_printer(ctx, listen, use_pty, out_dir, state, paper, pace) -> None:
    """A virtual receipt printer: renders each job to a PNG, answers status with STATE.

    Type a state name on standard input to change it while it runs. The first line
    printed is the printer to use: the pty path with --pty, else tcp://HOST:PORT.
    """
    if bool(listen) == use_pty:
        raise click.UsageError("give exactly one of --listen HOST:PORT or --pty")
    mm = int(paper) if paper else _paper_mm(ctx)
    if not out_dir:
        out_dir = tempfile.mkdtemp(prefix="bianmin-paper-")
    click.echo(f"paper: each job as job-NNNN.png, .txt and .bin in {out_dir}", err=True)
    vp = VirtualPrinter(
        paper_for(mm),
        Path(out_dir),
        PrinterState(state),
        pace=pace,
        on_job=_announce(out_dir),
    )
    try:
        if use_pty:
            click.echo(vp.open_pty())
        else:
            host, _, port = listen.rpartition(":")
            if not port.isdigit():
                raise click.UsageError(f"--listen {listen}: expected HOST:PORT")
            try:
                bound = vp.listen(host or "127.0.0.1", int(port))
            except OSError as exc:
                raise Failure(f"cannot listen on {listen}: {exc.strerror}") from None
            click.echo(f"tcp://{bound[0]}:{bound[1]}")
        sys.stdout.flush()
        threading.Thread(target=_read_states, args=(vp,), daemon=True).start()
        _wait_for_signal()
    finally:
        vp.close()


def _paper_mm(ctx: click.Context) -> int:
    try:
        return load_config(ctx).devices.printer.paper_mm
    except ConfigFailure:
        return section_defaults(PrinterDevice).paper_mm


def _announce(out_dir: str):
    def announce(number: int, job: Job) -> None:
        where = f" -> {Path(out_dir) / f'job-{number:04d}.png'}"
        cut = f"{job.cut} cut" if job.cut else "no cut"
        click.echo(f"job {number}: {len(job.lines)} lines, {cut}{where}")
        sys.stdout.flush()

    return announce


def _read_states(vp: VirtualPrinter) -> None:
    for line in sys.stdin:
        word = line.strip()
        if not word:
            continue
        if word not in STATES:
            click.echo(f"unknown state {word!r}; allowed: {', '.join(STATES)}", err=True)
            continue
        vp.state = PrinterState(word)
        click.echo(f"state {word}")
        sys.stdout.flush()


def _wait_for_signal() -> None:
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
