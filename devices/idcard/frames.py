"""GA/T 467 frames: encoding, and an incremental decoder that resynchronises on garbage.

Request ``AA AA AA 96 69 | LEN_HI LEN_LO | CMD PARA | DATA | CHK`` and response
``AA AA AA 96 69 | LEN_HI LEN_LO | SW1 SW2 SW3 | DATA | CHK``: LEN counts every byte
after itself (CHK included), CHK is the XOR of every byte between the preamble and CHK.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import reduce
from operator import xor

from devices.idcard.errors import BadChecksum, BadLength, FrameError, UnexpectedResponse

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2
# The longest answer of the protocol (text + photo + 1024-byte fingerprint) is 2314.
MAX_LENGTH = 4096

BAUD_RATES = (115200, 57600, 38400, 19200, 9600)

STATUS_OK = 0x90
STATUS_CARD_FOUND = 0x9F
STATUS_NO_CARD = 0x80
STATUS_SELECT_FAILED = 0x81


class Command(Enum):
    """The reader's commands as (CMD, PARA)."""

    RESET_SAM = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    READ_SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_TEXT_PHOTO = (0x30, 0x01)
    READ_NEW_ADDRESS = (0x30, 0x03)
    READ_TEXT_PHOTO_FINGERPRINT = (0x30, 0x10)

    @property
    def label(self) -> str:
        """Lower-case words for logs: ``find card``."""
        return self.name.lower().replace("_", " ")


def wire_seconds(size: int, baud: int) -> float:
    """Time ``size`` bytes take on the wire at ``baud`` (8N1: 10 bits a byte)."""
    return size * 10 / baud


def checksum(data: bytes | bytearray | memoryview) -> int:
    """XOR of every byte."""
    return reduce(xor, data, 0)


def encode_frame(payload: bytes) -> bytes:
    """A full frame around ``payload`` (CMD PARA DATA or SW1 SW2 SW3 DATA)."""
    length = len(payload) + 1
    if length > MAX_LENGTH:
        raise ValueError(f"payload of {len(payload)} bytes does not fit a frame")
    body = length.to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


def encode_request(command: Command, data: bytes = b"") -> bytes:
    """The request frame for ``command``."""
    return encode_frame(bytes(command.value) + data)


def encode_response(status: int, data: bytes = b"") -> bytes:
    """A response frame with status ``00 00 status`` (or a full 3-byte SW) and ``data``."""
    return encode_frame(status.to_bytes(3, "big") + data)


@dataclass(frozen=True)
class Frame:
    """A frame whose length and check were right: the bytes between LEN and CHK."""

    payload: bytes


@dataclass(frozen=True)
class Request:
    """A decoded request."""

    cmd: int
    para: int
    data: bytes

    @property
    def command(self) -> Command | None:
        """The known command, or None for one the protocol does not define."""
        try:
            return Command((self.cmd, self.para))
        except ValueError:
            return None


@dataclass(frozen=True)
class Response:
    """A decoded response: ``status`` is SW1 SW2 SW3 as one number."""

    status: int
    data: bytes


def parse_request(frame: Frame) -> Request | FrameError:
    """The request in ``frame``, or a BadLength error if it is too short."""
    if len(frame.payload) < 2:
        return BadLength(f"request of {len(frame.payload)} bytes has no CMD PARA")
    return Request(frame.payload[0], frame.payload[1], frame.payload[2:])


def parse_response(frame: Frame) -> Response:
    """The response in ``frame``; UnexpectedResponse if it has no status word."""
    if len(frame.payload) < 3:
        raise UnexpectedResponse(f"response of {len(frame.payload)} bytes has no status word")
    return Response(int.from_bytes(frame.payload[:3], "big"), frame.payload[3:])


class FrameDecoder:
    """Turns a byte stream into frames and typed errors, never into wrong data.

    Garbage before a preamble is skipped (and counted in :attr:`discarded`); a frame
    with an impossible length or a wrong check yields an error and decoding resumes
    at the next preamble after its start.
    """

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        self.max_length = max_length
        self.discarded = 0
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        """Add bytes; return every frame or error they complete, in order."""
        self._buf += data
        out: list[Frame | FrameError] = []
        buf = self._buf
        while True:
            start = buf.find(PREAMBLE)
            if start < 0:
                self._drop(len(buf) - _partial_preamble(buf))
                return out
            self._drop(start)
            if len(buf) < HEADER_SIZE:
                return out
            length = int.from_bytes(buf[5:7], "big")
            if length < 2 or length > self.max_length:
                out.append(BadLength(f"frame length {length} outside 2..{self.max_length}"))
                self._drop(len(PREAMBLE))
                continue
            end = HEADER_SIZE + length
            if len(buf) < end:
                return out
            if checksum(memoryview(buf)[5 : end - 1]) != buf[end - 1]:
                out.append(BadChecksum(f"frame of length {length}: check byte does not match"))
                self._drop(len(PREAMBLE))
                continue
            out.append(Frame(bytes(buf[HEADER_SIZE : end - 1])))
            del buf[:end]

    def wanted(self) -> int:
        """How many more bytes can be read without reading past the frame being decoded."""
        buf = self._buf
        if not buf.startswith(PREAMBLE):
            return HEADER_SIZE - len(buf)
        if len(buf) < HEADER_SIZE:
            return HEADER_SIZE - len(buf)
        return max(1, HEADER_SIZE + int.from_bytes(buf[5:7], "big") - len(buf))

    @property
    def pending(self) -> int:
        """Bytes held that do not yet make a frame."""
        return len(self._buf)

    def reset(self) -> None:
        """Forget any partial frame (after a timeout)."""
        self._drop(len(self._buf))

    def _drop(self, count: int) -> None:
        if count:
            self.discarded += count
            del self._buf[:count]


def _partial_preamble(buf: bytearray) -> int:
    """Length of the longest tail of ``buf`` that could begin a preamble."""
    for size in range(min(len(PREAMBLE) - 1, len(buf)), 0, -1):
        if buf.endswith(PREAMBLE[:size]):
            return size
    return 0


def format_sam_id(data: bytes) -> str:
    """The SAM id as vendors print it (``05.01-20260101-0000000001-0123456789``).

    The 16 data bytes of a ``read SAM id`` answer: two little-endian 16-bit numbers,
    then three little-endian 32-bit numbers.
    """
    if len(data) < 16:
        raise UnexpectedResponse(f"SAM id of {len(data)} bytes, expected 16")
    a, b = (int.from_bytes(data[i : i + 2], "little") for i in (0, 2))
    c, d, e = (int.from_bytes(data[i : i + 4], "little") for i in (4, 8, 12))
    return f"{a:02d}.{b:02d}-{c:08d}-{d:010d}-{e:010d}"


def encode_sam_id(text: str) -> bytes:
    """The 16 bytes of a SAM id in :func:`format_sam_id` form (the simulator's encoder)."""
    head, c, d, e = text.split("-")
    a, b = head.split(".")
    return b"".join(
        [int(a).to_bytes(2, "little"), int(b).to_bytes(2, "little")]
        + [int(x).to_bytes(4, "little") for x in (c, d, e)]
    )
