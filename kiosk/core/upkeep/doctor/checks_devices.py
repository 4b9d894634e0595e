"""Checks of the devices: ID card reader, printer, scanner, who holds the serial ports, and
whether the ports are named so that they survive a replug."""

from __future__ import annotations

import contextlib
import os
import sqlite3

from kiosk.core.staff_alerts import read_alerts
from kiosk.core.upkeep.doctor.report import DoctorContext, check, fail, ok, warn
from kiosk.core.upkeep.ports import find_port, serial_ports
from kiosk.core.upkeep.processes import Holder, holders, running

# Programs that open new USB serial ports on their own and garble what readers answer.
INTRUDERS = ("ModemManager", "brltty")
RULES_FILE = "61-bianmin.rules"
_PROBE_FIX = "check the cable and power; bianmin idcard probe finds the port and speed"


def _absent_or_held(port: str, what: str, ctx: DoctorContext):
    """A result when ``port`` is missing or held by another program, else None."""
    if not os.path.exists(port):
        return fail(
            f"{what} {port} is not there (unplugged, or in another USB socket)",
            "plug it back into the socket it was set up on, or set it up again",
        )
    if os.path.realpath(port) in {os.path.realpath(p) for p in ctx.own_ports}:
        return ok(f"{port} is in use by this kiosk: not disturbed")
    held = holders(port, ctx.proc)
    bad = [h for h in held if h.name in INTRUDERS]
    if bad:
        return fail(f"{port} is held by {bad[0]}", _intruder_fix(bad[0]))
    if held:
        return ok(f"{port} is in use by {held[0]}: not disturbed")
    return None


def _intruder_fix(holder: Holder) -> str:
    if holder.name == "brltty":
        return "apt-get remove brltty (it claims USB serial adapters)"
    return "install bianmin's udev rules (ID_MM_DEVICE_IGNORE) or: systemctl disable --now ModemManager"


@check("idcard", "the ID card reader answers on its port at its speed")
def idcard_check(ctx: DoctorContext):
    from devices.idcard.probe import probe_port

    settings = ctx.config().devices.idcard
    if not settings.port:
        return warn(
            "no reader configured ([devices.idcard] port is empty)",
            "plug the reader in, then set it up (bianmin idcard probe)",
        )
    if settings.port.split(":")[0] == "sim":
        return warn("a simulated reader (port = sim)", "set up the real reader before hand-over")
    early = _absent_or_held(settings.port, "reader", ctx)
    if early is not None:
        return early
    report = probe_port(settings.port, bauds=(settings.baud,), answer_s=0.5)
    if report.reader and report.sam_id:
        return ok(f"{settings.port}: reader at {report.baud} baud, SAM {report.sam_id}")
    if report.reader:
        return fail(f"{settings.port}: the reader answers, but {report.error}", _PROBE_FIX)
    from devices.idcard.frames import BAUD_RATES

    others = [b for b in BAUD_RATES if b != settings.baud]
    other = probe_port(settings.port, bauds=others, answer_s=0.25)
    if other.reader:
        return fail(
            f"{settings.port}: the reader answers at {other.baud} baud, not {settings.baud}",
            f"set [devices.idcard] baud = {other.baud}",
        )
    return fail(f"{settings.port}: no reader answers ({report.error})", _PROBE_FIX)


_PRINTER_FIXES = {
    "paper_out": "load a new paper roll",
    "cover_open": "close the printer's cover",
    "offline": "switch the printer on; check its cable",
    "cutter_error": "clear the paper jam at the cutter, then switch the printer off and on",
    "unknown": "no answer to the status query: check the cable, the port and its baud rate",
}


@check("printer", "the receipt printer answers its status and can print")
def printer_check(ctx: DoctorContext):
    from devices.printer import PrinterUrlError, open_printer, paper_for
    from devices.printer.transport import parse_url

    settings = ctx.config().devices.printer
    if not settings.url:
        return warn(
            "no printer configured ([devices.printer] url is empty)",
            "set up the printer (bianmin printer status --printer URL)",
        )
    try:
        url = parse_url(settings.url)
    except PrinterUrlError as exc:
        return fail(str(exc), "fix [devices.printer] url")
    if url.scheme == "serial":
        early = _absent_or_held(url.target, "printer port", ctx)
        if early is not None:
            return early
    try:
        with open_printer(
            settings.url, paper_for(settings.paper_mm), settings.status_timeout_s
        ) as p:
            status = p.status()
    except PrinterUrlError as exc:
        return fail(str(exc), "fix [devices.printer] url")
    state = str(status.state)
    detail = f"{settings.url}: {state} ({status.detail})"
    if state == "ready":
        return ok(detail)
    if state == "paper_near_end":
        return warn(detail, "put a new roll in soon")
    return fail(detail, _PRINTER_FIXES.get(state, "see bianmin printer status"))


@check("scanner", "the QR scanner's port opens")
def scanner_check(ctx: DoctorContext):
    import serial

    from devices.serial_cause import serial_cause

    settings = ctx.config().devices.scanner
    if not settings.port:
        return ok("no scanner configured (optional)")
    if settings.port == "sim":
        return warn("a simulated scanner (port = sim)", "set up the real scanner before hand-over")
    early = _absent_or_held(settings.port, "scanner", ctx)
    if early is not None:
        return early
    try:
        serial.Serial(settings.port, settings.baud, timeout=0, exclusive=True).close()
    except (serial.SerialException, OSError, ValueError) as exc:
        return fail(f"{settings.port}: cannot open: {serial_cause(exc)}", "check the cable")
    return ok(
        f"{settings.port} opens at {settings.baud} baud",
        "scan a code with: bianmin scanner listen --count 1",
    )


@check("serial_holders", "no ModemManager or brltty on the serial ports")
def serial_holders_check(ctx: DoctorContext):
    ports = serial_ports(_configured_ports(ctx))
    for port in ports:
        bad = [h for h in holders(port.device, ctx.proc) if h.name in INTRUDERS]
        if bad:
            return fail(f"{port.device} is held by {bad[0]}", _intruder_fix(bad[0]))
    more = [f"{p.device}: {p.label}" for p in ports]
    if running("brltty", ctx.proc):
        return warn(
            "brltty runs: it takes USB serial adapters it thinks are braille displays",
            "apt-get remove brltty",
            *more,
        )
    if running("ModemManager", ctx.proc) and not _rules_installed(ctx):
        return warn(
            "ModemManager runs and bianmin's udev rules are not installed to keep it off",
            "install the bianmin package's udev rules, or: systemctl disable --now ModemManager",
            *more,
        )
    return ok(f"{len(ports)} serial port(s), none held by ModemManager or brltty", *more)


@check("udev", "the devices are configured by names that survive a replug")
def udev_check(ctx: DoctorContext):
    configured = _configured_ports(ctx)
    ports = serial_ports(configured)
    unstable = []
    for name in configured:
        if name.startswith("/dev/tty"):
            port = find_port(name, ports)
            better = port.stable if port and port.stable != name else "/dev/serial/by-path/..."
            unstable.append(f"{name} (use {better})")
    if unstable:
        return warn(
            "kernel names can change after a replug: " + ", ".join(unstable),
            "set the port to its /dev/serial/by-id or by-path name (the set-up screens do)",
        )
    if not _rules_installed(ctx):
        return warn(
            f"{RULES_FILE} is not installed (permissions and ModemManager rules)",
            "install the bianmin package",
        )
    missing = [n for n in configured if not os.path.exists(n)]
    if missing:
        return fail(", ".join(missing) + " not present", "plug the device into its socket")
    return ok(f"{len(configured)} configured port(s) named stably", *configured)


def _configured_ports(ctx: DoctorContext) -> list[str]:
    from devices.printer.transport import parse_url

    devices = ctx.config().devices
    ports = [devices.idcard.port, devices.scanner.port]
    if devices.printer.url.startswith("serial://"):
        with contextlib.suppress(ValueError):
            ports.append(parse_url(devices.printer.url).target)
    return [p for p in ports if p and p.split(":")[0] != "sim"]


def _rules_installed(ctx: DoctorContext) -> bool:
    return any((folder / RULES_FILE).is_file() for folder in ctx.udev_rule_dirs)


@check("staff_alerts", "no villager waits for help, the printer raised no fault")
def staff_alerts_check(ctx: DoctorContext):
    path = ctx.store_path
    if not path.exists():
        return ok("no store yet: no alerts")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        alerts = read_alerts(conn)
    finally:
        conn.close()
    if not alerts:
        return ok("no open alerts")
    return warn(
        f"{len(alerts)} open: " + "; ".join(a.describe() for a in alerts),
        "help_wanted: someone pressed 找工作人员 at the kiosk, see to them; printer_fault:"
        " bianmin printer status (it clears itself once a print comes out);"
        " then bianmin alerts clear KIND",
        *(a.describe() for a in alerts),
    )
