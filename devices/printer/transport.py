"""Printer transports: a URL names the printer, a tiny class moves its bytes.

- ``serial:///dev/ttyUSB0?baud=9600[&flow=rtscts|xonxoff]`` (pyserial; a pty path works too)
- ``tcp://HOST:9100``
- ``usb://0x0416:0x5011`` (pyusb, the ``usb`` extra)
- ``file:///path/out.bin`` (appends the job bytes to a file)

Any URL may add ``profile=NAME`` (a python-escpos printer profile, default ``default``);
that option is read by :func:`devices.printer.driver.open_printer`, not here.

Each transport implements one abstract method, :meth:`Transport.write`; those that can
hear the printer also implement :meth:`Transport.read`.
"""

from __future__ import annotations

import contextlib
import os
import socket
import termios
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

import serial

from devices.printer.errors import PrinterOffline, PrinterTimeout, PrinterUrlError
from devices.url_typos import path_url_problem

SCHEMES = ("serial", "tcp", "usb", "file")
# What pyserial lets through when a port goes away (a pty closed, a USB adapter pulled).
_PORT_ERRORS = (serial.SerialException, OSError, termios.error)
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
CONNECT_TIMEOUT_S = 3.0
# A write may take this long beyond the wire time of its bytes before the printer
# counts as stuck (a full buffer that never drains: paper out mid-job, cover open).
WRITE_GRACE_S = 5.0


@dataclass(frozen=True)
class PrinterUrl:
    """A parsed printer URL."""

    scheme: str
    target: str
    options: dict[str, str] = field(default_factory=dict)
    text: str = ""

    def option(self, name: str, default: str) -> str:
        """The value of query option ``name``, or ``default``."""
        return self.options.get(name, default)


_OPTIONS = {
    "serial": {"baud", "flow", "profile"},
    "tcp": {"profile"},
    "usb": {"profile"},
    "file": {"profile"},
}


def parse_url(text: str) -> PrinterUrl:
    """Parse and check a printer URL; :class:`PrinterUrlError` says what is wrong."""
    parts = urlsplit(text)
    if parts.scheme not in SCHEMES:
        raise PrinterUrlError(
            f"printer URL {text!r}: unknown scheme {parts.scheme!r}; allowed: "
            "serial://, tcp://, usb://, file://"
        )
    typo = path_url_problem(text)
    if typo:
        raise PrinterUrlError(f"printer URL {text!r}: {typo}")
    raw = parse_qs(parts.query, keep_blank_values=True)
    options = {k: v[-1] for k, v in raw.items()}
    unknown = set(options) - _OPTIONS[parts.scheme]
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[parts.scheme]))
        raise PrinterUrlError(
            f"printer URL {text!r}: unknown option {sorted(unknown)[0]!r}; allowed: {allowed}"
        )
    target = parts.netloc if parts.scheme in ("tcp", "usb") else unquote(parts.path or parts.netloc)
    if not target:
        raise PrinterUrlError(f"printer URL {text!r}: names no device")
    url = PrinterUrl(parts.scheme, target, options, text)
    if parts.scheme == "serial":
        _baud(url)
        if url.option("flow", "none") not in ("none", "rtscts", "xonxoff"):
            raise PrinterUrlError(f"printer URL {text!r}: flow must be none, rtscts or xonxoff")
    if parts.scheme == "tcp":
        _host_port(url)
    if parts.scheme == "usb":
        _vid_pid(url)
    return url


def _baud(url: PrinterUrl) -> int:
    value = url.option("baud", "9600")
    if not value.isdigit() or int(value) not in BAUDS:
        raise PrinterUrlError(
            f"printer URL {url.text!r}: baud={value}; allowed: {', '.join(map(str, BAUDS))}"
        )
    return int(value)


def _host_port(url: PrinterUrl) -> tuple[str, int]:
    host, _, port = url.target.rpartition(":")
    if not host:
        return url.target, 9100
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise PrinterUrlError(f"printer URL {url.text!r}: port {port!r} is not a TCP port")
    return host.strip("[]"), int(port)


def _vid_pid(url: PrinterUrl) -> tuple[int, int]:
    try:
        vid, pid = (int(part, 16) for part in url.target.split(":"))
    except ValueError:
        raise PrinterUrlError(
            f"printer URL {url.text!r}: expected usb://VENDOR:PRODUCT in hex, e.g. usb://0x0416:0x5011"
        ) from None
    return vid, pid


class Transport(ABC):
    """A byte pipe to one printer."""

    #: False for sinks that cannot be asked for their status at all (a file).
    answers_status = True

    def __init__(self, url: PrinterUrl) -> None:
        self.url = url

    @abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of ``data``; PrinterTimeout when the printer stops taking it."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes the printer sent within ``timeout`` seconds (b"" for none)."""
        return b""

    def discard_input(self) -> None:
        """Drop bytes the printer sent earlier (late answers to old queries)."""
        return None

    def close(self) -> None:
        """Release the device."""
        return None


def wire_seconds(size: int, baud: int) -> float:
    """Time ``size`` bytes take on a serial line at ``baud`` (8N1: 10 bits a byte)."""
    return size * 10 / baud


class SerialTransport(Transport):
    """A serial port (USB-serial adapter, RS-232, or a pty) through pyserial."""

    def __init__(self, url: PrinterUrl) -> None:
        super().__init__(url)
        self.baud = _baud(url)
        flow = url.option("flow", "none")
        try:
            self._port = serial.serial_for_url(
                url.target,
                baudrate=self.baud,
                timeout=0,
                rtscts=flow == "rtscts",
                xonxoff=flow == "xonxoff",
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterOffline(
                f"{url.text}: cannot open serial port {url.target}: {exc}"
            ) from None

    def write(self, data: bytes) -> None:
        self._port.write_timeout = wire_seconds(len(data), self.baud) * 2 + WRITE_GRACE_S
        try:
            self._port.write(data)
        except serial.SerialTimeoutException:
            raise PrinterTimeout(f"{self.url.text}: the printer stopped taking data") from None
        except _PORT_ERRORS as exc:
            raise PrinterOffline(f"{self.url.text}: write failed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        self._port.timeout = max(0.0, timeout)
        try:
            return self._port.read(size)
        except _PORT_ERRORS as exc:
            raise PrinterOffline(f"{self.url.text}: read failed: {exc}") from None

    def discard_input(self) -> None:
        try:
            self._port.reset_input_buffer()
        except _PORT_ERRORS as exc:
            raise PrinterOffline(f"{self.url.text}: {exc}") from None

    def close(self) -> None:
        self._port.close()


class TcpTransport(Transport):
    """A network printer's raw port (usually 9100)."""

    def __init__(self, url: PrinterUrl) -> None:
        super().__init__(url)
        address = _host_port(url)
        try:
            self._sock = socket.create_connection(address, timeout=CONNECT_TIMEOUT_S)
        except OSError as exc:
            raise PrinterOffline(
                f"{url.text}: cannot connect to {address[0]}:{address[1]}: {exc}"
            ) from None
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        self._sock.settimeout(WRITE_GRACE_S + len(data) / 10_000)
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise PrinterTimeout(f"{self.url.text}: the printer stopped taking data") from None
        except OSError as exc:
            raise PrinterOffline(f"{self.url.text}: write failed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        self._sock.settimeout(max(timeout, 1e-6))
        try:
            data = self._sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise PrinterOffline(f"{self.url.text}: read failed: {exc}") from None
        if not data:
            raise PrinterOffline(f"{self.url.text}: the printer closed the connection")
        return data

    def discard_input(self) -> None:
        self._sock.setblocking(False)
        try:
            while self._sock.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            self._sock.setblocking(True)

    def close(self) -> None:
        self._sock.close()


class UsbTransport(Transport):
    """A USB printer-class device, by vendor and product id, through pyusb."""

    def __init__(self, url: PrinterUrl) -> None:
        super().__init__(url)
        try:
            import usb.core
            import usb.util
        except ImportError:
            raise PrinterOffline(
                f"{url.text}: usb:// needs pyusb; install the usb extra: pip install 'bianmin[usb]'"
            ) from None
        self._usb = usb
        vid, pid = _vid_pid(url)
        try:
            device = usb.core.find(idVendor=vid, idProduct=pid)
        except usb.core.NoBackendError:
            raise PrinterOffline(
                f"{url.text}: pyusb finds no libusb; apt-get install libusb-1.0-0"
            ) from None
        if device is None:
            raise PrinterOffline(f"{url.text}: no USB device {vid:04x}:{pid:04x} is plugged in")
        try:
            if device.is_kernel_driver_active(0):
                device.detach_kernel_driver(0)
            device.set_configuration()
            interface = device.get_active_configuration()[(0, 0)]
        except usb.core.USBError as exc:
            raise PrinterOffline(
                f"{url.text}: cannot claim USB device {vid:04x}:{pid:04x}: {exc}"
            ) from None

        def endpoint(direction: int):
            return usb.util.find_descriptor(
                interface,
                custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == direction,
            )

        self._device = device
        self._out = endpoint(usb.util.ENDPOINT_OUT)
        self._in = endpoint(usb.util.ENDPOINT_IN)

    def write(self, data: bytes) -> None:
        try:
            self._out.write(data, timeout=int((WRITE_GRACE_S + len(data) / 10_000) * 1000))
        except self._usb.core.USBTimeoutError:
            raise PrinterTimeout(f"{self.url.text}: the printer stopped taking data") from None
        except self._usb.core.USBError as exc:
            raise PrinterOffline(f"{self.url.text}: write failed: {exc}") from None

    def read(self, size: int, timeout: float) -> bytes:
        if self._in is None:
            return b""
        try:
            return bytes(
                self._in.read(
                    max(size, self._in.wMaxPacketSize), timeout=max(1, int(timeout * 1000))
                )
            )[:size]
        except self._usb.core.USBTimeoutError:
            return b""
        except self._usb.core.USBError as exc:
            raise PrinterOffline(f"{self.url.text}: read failed: {exc}") from None

    def close(self) -> None:
        self._usb.util.dispose_resources(self._device)


class FileTransport(Transport):
    """Appends the job bytes to a file (a capture for tests, demos and debugging)."""

    answers_status = False

    def __init__(self, url: PrinterUrl) -> None:
        super().__init__(url)
        try:
            self._file = open(url.target, "ab")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise PrinterOffline(
                f"{url.text}: cannot open {url.target} for writing: {exc.strerror}"
            ) from None

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as exc:
            raise PrinterOffline(f"{self.url.text}: write failed: {exc.strerror}") from None

    def close(self) -> None:
        # After a failed write the buffer still holds its bytes: flushing them again on close
        # raises the same error (the file is closed all the same), already reported by write.
        with contextlib.suppress(OSError):
            self._file.close()


_TRANSPORTS: dict[str, type[Transport]] = {
    "serial": SerialTransport,
    "tcp": TcpTransport,
    "usb": UsbTransport,
    "file": FileTransport,
}


def open_transport(url: str | PrinterUrl) -> Transport:
    """Open the transport a printer URL names; PrinterUrlError or PrinterOffline on failure."""
    parsed = parse_url(url) if isinstance(url, str) else url
    return _TRANSPORTS[parsed.scheme](parsed)
