"""Printing for the kiosk: status before every job, the job journal, reprints, and a result
the UI can turn into "please photograph this QR code on the screen" when paper fails.

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
from kiosk.core.queue import Ticket
from kiosk.core.receipts import (
    AcceptanceReceipt,
    DailyStats,
    Letterhead,
    MaterialsList,
    render_materials,
    render_receipt,
    render_stats,
    render_ticket,
)
from offline_sync.clock import Clock
from offline_sync.store import Store
from offline_sync.vault import Vault

NO_PRINTER_URL = "none:"
# Finished jobs are kept this long for reprints, then dropped with their bytes; jobs
# left queued or sent (a crash mid-job) stay as evidence.
KEEP_DAYS = 30


class UnknownPrintJob(KeyError):
    """No print job has this id."""


@dataclass(frozen=True)
class PrintResult:
    """What became of one print job.

    ``key`` and ``params`` are the sentence for the villager, in the shape of an error's (see
    :mod:`kiosk.core.errors`). ``printed`` False means nothing (or not all) came out: the UI
    shows ``key`` (``printing.result.photograph_qr``) with ``qr`` drawn on the screen, so the
    villager photographs it instead. ``detail`` is for a technician.
    """

    job_id: int
    printed: bool
    state: PrinterState
    key: str
    qr: str | None
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
    ) -> None:
        self.why_no_printer = why_no_printer
        self.store = store
        self.vault = vault
        self.printer = printer
        self.paper = paper
        self.site = site
        self.clock = clock
        self.text = messages or messages_for()

    @classmethod
    def from_config(
        cls, config: Config, store: Store, vault: Vault, clock: Clock, url: str | None = None
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
        return cls(store, vault, printer, paper, site, clock, why_no_printer=why)

    # -- what the kiosk prints ----------------------------------------------------

    def ticket(self, ticket: Ticket) -> PrintResult:
        """Print a queue ticket; the fallback QR holds the ticket id."""
        data = render_ticket(self._document(), ticket, self.site, self.text)
        return self._print("ticket", ticket.ticket_no, data, ticket.ticket_id)

    def receipt(self, receipt: AcceptanceReceipt) -> PrintResult:
        """Print an acceptance receipt; the fallback QR is the progress link."""
        data = render_receipt(self._document(), receipt, self.site, self.text)
        return self._print("receipt", receipt.case_id, data, receipt.progress_url)

    def materials(self, guide: MaterialsList) -> PrintResult:
        """Print the materials list of a service guide."""
        data = render_materials(self._document(), guide, self.site, self.text)
        return self._print("materials", guide.item_name, data, guide.guide_url or None)

    def daily_stats(self, stats: DailyStats) -> PrintResult:
        """Print the daily statistics slip for staff."""
        data = render_stats(self._document(), stats, self.site, self.text)
        return self._print("stats", stats.day.isoformat(), data, None)

    def reprint(self, job_id: int) -> PrintResult:
        """Send the bytes of an earlier job again, as a new job that names the old one."""
        row = self.store.conn.execute(
            "SELECT kind, ref, payload, fallback_qr FROM print_job WHERE job_id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise UnknownPrintJob(job_id)
        data = self.vault.unseal_bytes(row["payload"])
        qr = self.vault.unseal(row["fallback_qr"]) if row["fallback_qr"] is not None else None
        return self._print(row["kind"], row["ref"], data, qr, reprint_of=job_id)

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
        self, kind: str, ref: str, data: bytes, qr: str | None, reprint_of: int | None = None
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
                "INSERT INTO print_job (kind, ref, state, printer_url, size, payload, fallback_qr,"
                " reprint_of, created_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    ref,
                    url,
                    len(data),
                    self.vault.seal_bytes(data),
                    self.vault.seal(qr) if qr is not None else None,
                    reprint_of,
                    self._now(),
                ),
            ).lastrowid
        status = self.status()
        if not status.state.can_print:
            return self._failed(
                job_id, status.state, f"printer {status.state}: {status.detail}", qr
            )
        self._mark(job_id, "sent", status.state, None, "sent_at")
        try:
            self.printer.send(data)
        except PrinterError as exc:
            return self._failed(job_id, PrinterState.OFFLINE, str(exc), qr)
        self._mark(job_id, "done", status.state, None, "finished_at")
        return PrintResult(job_id, True, status.state, "printing.result.printed", qr, status.detail)

    def _failed(self, job_id: int, state: PrinterState, error: str, qr: str | None) -> PrintResult:
        self._mark(job_id, "failed", state, error, "finished_at")
        return PrintResult(job_id, False, state, "printing.result.photograph_qr", qr, error)

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
