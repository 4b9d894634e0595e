"""Printing for the kiosk: status before every job, the job journal, reprints, a result the
UI turns into plain words when paper fails, and the printer's faults raised for staff.

Each job is journalled in ``print_job`` (queued -> sent -> done | failed) with its bytes
sealed by the vault, so a crash mid-job leaves a visible ``sent`` row and ``reprint``
sends the very same bytes again. Finished jobs are dropped after ``KEEP_DAYS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from devices.printer import (
    Document,
    Printer,
    PrinterError,
    PrinterState,
    PrinterStatus,
    PrinterUrlError,
    open_printer,
    paper_for,
)
from devices.printer.paper import Paper
from kiosk.config import Config
from kiosk.core.messages import Messages, messages_for
from kiosk.core.next_steps import after_ticket
from kiosk.core.queue import Ticket
from kiosk.core.receipts import (
    CaseReceipt,
    DailyStats,
    Letterhead,
    MaterialsList,
    TicketPaper,
    render_materials,
    render_receipt,
    render_stats,
    render_ticket,
)
from kiosk.core.staff_alerts import PRINTER_FAULT, StaffAlerts
from offline_sync.clock import Clock
from offline_sync.store import Store
from offline_sync.vault import Vault

NO_PRINTER_URL = "none:"
# Why no paper came out, in a villager's words.
NOT_PRINTED = {
    PrinterState.PAPER_OUT: "printing.result.paper_out",
    PrinterState.COVER_OPEN: "printing.result.cover_open",
}
# Finished jobs are kept this long for reprints, then dropped with their bytes; jobs
# left queued or sent (a crash mid-job) stay as evidence.
KEEP_DAYS = 30


class UnknownPrintJob(KeyError):
    """No print job has this id."""


@dataclass(frozen=True)
class PrintResult:
    """What became of one print job.

    ``key`` and ``params`` are the sentence for the villager, in the shape of an error's (see
    :mod:`kiosk.core.errors`). ``printed`` False means nothing (or not all) came out: ``key``
    says why in a villager's words (no paper, the cover is open...); the front-end keeps
    what the paper would have said on the screen and offers 重新打印
    (:meth:`PrintService.reprint`). ``detail`` is for a technician.
    """

    job_id: int
    printed: bool
    state: PrinterState
    key: str
    detail: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PrintJob:
    """A row of the journal, without its bytes."""

    job_id: int
    kind: str
    ref: str
    state: str
    printer_url: str
    printer_state: str | None
    size: int
    error: str | None
    reprint_of: int | None
    created_at: str
    finished_at: str | None


class PrintService:
    """Prints tickets and receipts on the configured printer (``None``: no printer)."""

    def __init__(
        self,
        store: Store,
        vault: Vault,
        printer: Printer | None,
        paper: Paper,
        site: Letterhead,
        clock: Clock,
        messages: Messages | None = None,
        why_no_printer: str = "no printer configured ([devices.printer] url)",
        alerts: StaffAlerts | None = None,
        config: Config | None = None,
    ) -> None:
        self.why_no_printer = why_no_printer
        self.alerts = alerts
        self.config = config
        self.store = store
        self.vault = vault
        self.printer = printer
        self.paper = paper
        self.site = site
        self.clock = clock
        self.text = messages or messages_for()

    @classmethod
    def from_config(
        cls,
        config: Config,
        store: Store,
        vault: Vault,
        clock: Clock,
        url: str | None = None,
        alerts: StaffAlerts | None = None,
    ) -> PrintService:
        """The service for ``[devices.printer]`` (or the printer at ``url``).

        A printer URL that cannot be used leaves the kiosk running without a printer;
        ``status()`` then says why, naming the config file and key.
        """
        settings = config.devices.printer
        paper = paper_for(settings.paper_mm)
        site = Letterhead(config.site.name, ZoneInfo(config.site.timezone))
        url = url or settings.url
        printer, why = None, f"{config.source}: no printer configured ([devices.printer] url)"
        if url:
            try:
                printer = open_printer(url, paper, settings.status_timeout_s)
            except PrinterUrlError as exc:
                why = f"{config.source}: [devices.printer] url: {exc}"
        return cls(
            store,
            vault,
            printer,
            paper,
            site,
            clock,
            why_no_printer=why,
            alerts=alerts,
            config=config,
        )

    # -- what the kiosk prints ----------------------------------------------------

    def ticket(self, ticket: Ticket) -> PrintResult:
        """Print a queue ticket, with where to wait (the service's counters, when the
        service knows the site's configuration)."""
        wait = ()
        if self.config is not None:
            wait = (after_ticket(self.config, ticket.service_code, ticket.ticket_no),)
        paper = TicketPaper(ticket, wait)
        data = render_ticket(self._document(), paper, self.site, self.text)
        return self._print("ticket", ticket.ticket_no, data)

    def receipt(self, receipt: CaseReceipt) -> PrintResult:
        """Print a case's receipt."""
        data = render_receipt(self._document(), receipt, self.site, self.text)
        return self._print("receipt", receipt.case_id, data)

    def materials(self, guide: MaterialsList) -> PrintResult:
        """Print the materials list of a service guide."""
        data = render_materials(self._document(), guide, self.site, self.text)
        return self._print("materials", guide.item_name, data)

    def daily_stats(self, stats: DailyStats) -> PrintResult:
        """Print the daily statistics slip for staff."""
        data = render_stats(self._document(), stats, self.site, self.text)
        return self._print("stats", stats.day.isoformat(), data)

    def reprint(self, job_id: int) -> PrintResult:
        """Send the bytes of an earlier job again, as a new job that names the old one."""
        row = self.store.conn.execute(
            "SELECT kind, ref, payload FROM print_job WHERE job_id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise UnknownPrintJob(job_id)
        data = self.vault.unseal_bytes(row["payload"])
        return self._print(row["kind"], row["ref"], data, reprint_of=job_id)

    def close(self) -> None:
        """Release the printer's port."""
        if self.printer is not None:
            self.printer.close()

    def status(self) -> PrinterStatus:
        """The printer's state now (``offline`` when none is configured)."""
        if self.printer is None:
            return PrinterStatus(PrinterState.OFFLINE, self.why_no_printer)
        return self.printer.status()

    def jobs(self, limit: int = 20) -> list[PrintJob]:
        """The latest jobs, newest first."""
        rows = self.store.conn.execute(
            "SELECT job_id, kind, ref, state, printer_url, printer_state, size, error, reprint_of,"
            " created_at, finished_at FROM print_job ORDER BY job_id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [PrintJob(**dict(row)) for row in rows]

    # -- the journal ----------------------------------------------------------------

    def _document(self) -> Document:
        if self.printer is not None:
            return self.printer.document()
        return Document(self.paper)

    def _print(
        self, kind: str, ref: str, data: bytes, reprint_of: int | None = None
    ) -> PrintResult:
        url = self.printer.url if self.printer is not None else NO_PRINTER_URL
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM print_job WHERE created_at < ? AND state IN ('done', 'failed')",
                (
                    (self.clock.now() - timedelta(days=KEEP_DAYS)).isoformat(
                        timespec="milliseconds"
                    ),
                ),
            )
            job_id = conn.execute(
                "INSERT INTO print_job (kind, ref, state, printer_url, size, payload,"
                " reprint_of, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)",
                (
                    kind,
                    ref,
                    url,
                    len(data),
                    self.vault.seal_bytes(data),
                    reprint_of,
                    self._now(),
                ),
            ).lastrowid
        status = self.status()
        if not status.state.can_print:
            return self._failed(job_id, status.state, f"printer {status.state}: {status.detail}")
        self._mark(job_id, "sent", status.state, None, "sent_at")
        try:
            self.printer.send(data)
        except PrinterError as exc:
            return self._failed(job_id, PrinterState.OFFLINE, str(exc))
        self._mark(job_id, "done", status.state, None, "finished_at")
        self._tell_staff(status.state, status.detail)
        return PrintResult(job_id, True, status.state, "printing.result.printed", status.detail)

    def _failed(self, job_id: int, state: PrinterState, error: str) -> PrintResult:
        self._mark(job_id, "failed", state, error, "finished_at")
        self._tell_staff(state, error)
        key = NOT_PRINTED.get(state, "printing.result.not_printed")
        return PrintResult(job_id, False, state, key, error)

    def _tell_staff(self, state: PrinterState, detail: str) -> None:
        """Raise the printer's fault for staff (paper near its end too); clear it once the
        printer is ready again."""
        if self.alerts is None:
            return
        if state is PrinterState.READY:
            self.alerts.clear(PRINTER_FAULT)
        else:
            self.alerts.raise_alert(PRINTER_FAULT, f"{state}: {detail}"[:200])

    def _mark(
        self, job_id: int, state: str, printer_state: PrinterState, error: str | None, stamp: str
    ) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                f"UPDATE print_job SET state = ?, printer_state = ?, error = ?, {stamp} = ? WHERE job_id = ?",
                (state, str(printer_state), error, self._now(), job_id),
            )

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="milliseconds")
