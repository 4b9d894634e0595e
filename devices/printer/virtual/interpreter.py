"""An ESC/POS interpreter: bytes in, printed lines (text, style, images, QR codes) out.

It understands what this project's encoder sends and the common commands of ESC/POS
thermal printers; a command it does not know is recorded in ``Job.unknown`` and skipped,
so a test can notice it. Text in double-byte mode (``FS &``) is decoded as GB18030.
"""

from __future__ import annotations

from collections.abc import Callable

import qrcode
from PIL import Image

from devices.printer.paper import LINE_DOTS, Paper
from devices.printer.virtual.job import Job, PrintedLine, Run

DEFAULT_LINE_SPACING = 30
INLINE_IMAGE_MARK = "\ufffc"
_QR_EC = {
    48: qrcode.constants.ERROR_CORRECT_L,
    49: qrcode.constants.ERROR_CORRECT_M,
    50: qrcode.constants.ERROR_CORRECT_Q,
    51: qrcode.constants.ERROR_CORRECT_H,
}


class NeedMore(Exception):
    """The buffer ends in the middle of a command."""


class Interpreter:
    """Feed it bytes as they arrive; it answers status queries through ``status_answer`` and
    hands each finished job to ``on_job``."""

    def __init__(
        self,
        paper: Paper,
        on_job: Callable[[Job], None],
        status_answer: Callable[[int], bytes],
    ) -> None:
        self.paper = paper
        self._on_job = on_job
        self._status_answer = status_answer
        self._buf = bytearray()
        self._reset()
        self._job = Job(paper)

    def _reset(self) -> None:
        self.align = "left"
        self.width = 1
        self.height = 1
        self.bold = False
        self.double_byte = False
        self.line_spacing = DEFAULT_LINE_SPACING
        self._runs: list[Run] = []
        self._qr: dict[str, object] = {"module": 3, "ec": 48, "data": b""}

    def feed(self, data: bytes) -> bytes:
        """Interpret ``data``; returns the bytes the printer answers (status bytes)."""
        self._buf += data
        answers = bytearray()
        while self._buf:
            start = bytes(self._buf[:1])
            try:
                used, answer = self._step()
            except NeedMore:
                break
            if start != b"\x10":
                self._job.raw += self._buf[:used]
            del self._buf[:used]
            answers += answer
        return bytes(answers)

    @property
    def pending(self) -> bool:
        """True when something has been printed since the last cut."""
        return bool(self._runs or self._job.lines)

    def finish(self) -> None:
        """The host went away: whatever was printed since the last cut is a job too."""
        self._print_line(force=False)
        if self._job.lines:
            self._end_job(None)

    # -- one command ----------------------------------------------------------

    def _need(self, n: int) -> bytes:
        if len(self._buf) < n:
            raise NeedMore
        return bytes(self._buf[:n])

    def _step(self) -> tuple[int, bytes]:
        b = self._buf[0]
        if b == 0x0A:
            self._print_line(force=True)
            return 1, b""
        if b in (0x0D, 0x00):
            return 1, b""
        if b == 0x10:
            return self._dle()
        if b == 0x1B:
            return self._esc(), b""
        if b == 0x1D:
            return self._gs(), b""
        if b == 0x1C:
            return self._fs(), b""
        if b < 0x20:
            self._job.unknown.append(f"{b:02X}")
            return 1, b""
        return self._char(), b""

    def _dle(self) -> tuple[int, bytes]:
        head = self._need(2)
        if head[1] == 0x04:
            n = self._need(3)[2]
            return 3, self._status_answer(n)
        if head[1] == 0x14:
            return len(self._need(5)), b""
        self._job.unknown.append(f"DLE {head[1]:02X}")
        return 2, b""

    def _char(self) -> int:
        b = self._buf[0]
        if b < 0x80:
            self._add_text(chr(b))
            return 1
        if not self.double_byte:
            self._add_text("?")
            self._job.warnings.append(f"byte {b:02X} outside double-byte mode")
            return 1
        pair = self._need(2)
        size = 4 if 0x30 <= pair[1] <= 0x39 else 2
        code = self._need(size)
        try:
            ch = code.decode("gb18030")
        except UnicodeDecodeError:
            ch = "\ufffd"
            self._job.warnings.append(f"bytes {code.hex(' ')} are not GB18030")
        self._add_text(ch)
        return size

    def _esc(self) -> int:
        cmd = self._need(2)[1]
        if cmd == 0x40:  # ESC @
            self._print_line(force=False)
            if self._job.lines:
                self._end_job(None)
            self._reset()
            return 2
        if cmd in (0x32,):  # ESC 2
            self.line_spacing = DEFAULT_LINE_SPACING
            return 2
        if cmd == 0x2A:  # ESC * m nL nH data
            m, lo, hi = self._need(5)[2:5]
            columns = lo + 256 * hi
            per_column = 3 if m in (32, 33) else 1
            data = self._need(5 + columns * per_column)[5:]
            self._add_image(_column_image(data, columns, per_column, double=m in (1, 33)))
            return 5 + columns * per_column
        if cmd == 0x70:  # ESC p m t1 t2 (cash drawer)
            return len(self._need(5))
        n = self._need(3)[2]
        if cmd == 0x61:  # ESC a
            self.align = {0: "left", 1: "center", 2: "right"}.get(n % 48, "left")
        elif cmd in (0x45, 0x47):  # ESC E / ESC G
            self.bold = bool(n & 1)
        elif cmd == 0x21:  # ESC ! n
            self.bold = bool(n & 0x08)
            self.height = 2 if n & 0x10 else 1
            self.width = 2 if n & 0x20 else 1
        elif cmd == 0x64:  # ESC d n
            self._print_line(force=False)
            for _ in range(n):
                self._print_line(force=True)
        elif cmd == 0x4A:  # ESC J n
            self._print_line(force=False)
            self._feed_dots(n)
        elif cmd == 0x33:  # ESC 3 n
            self.line_spacing = n
        elif cmd in (0x2D, 0x4D, 0x74, 0x52, 0x56, 0x7B, 0x72, 0x20, 0x55):
            pass  # underline, font, code page, country, rotate, upside down, colour, spacing
        elif cmd == 0x63:  # ESC c 3/4/5 n
            pass
        else:
            self._job.unknown.append(f"ESC {cmd:02X}")
            return 2
        return 3

    def _gs(self) -> int:
        cmd = self._need(2)[1]
        if cmd == 0x56:  # GS V m [n]
            m = self._need(3)[2]
            size = 4 if m in (65, 66, 97, 98, 103, 104) else 3
            self._need(size)
            self._print_line(force=False)
            self._end_job("partial" if m in (1, 49, 66, 98, 104) else "full")
            return size
        if cmd == 0x28:  # GS ( x pL pH ...
            head = self._need(5)
            length = head[3] + 256 * head[4]
            body = self._need(5 + length)[5:]
            if head[2] == ord("k"):
                self._two_d(body)
            return 5 + length
        if cmd == 0x76:  # GS v 0 m xL xH yL yH data
            head = self._need(8)
            width_bytes = head[4] + 256 * head[5]
            rows = head[6] + 256 * head[7]
            data = self._need(8 + width_bytes * rows)[8:]
            self._print_line(force=False)
            image = Image.frombytes("1", (width_bytes * 8, rows), bytes(x ^ 0xFF for x in data))
            self._block("image", f"{image.width}x{image.height}", image)
            return 8 + width_bytes * rows
        if cmd in (0x4C, 0x57, 0x50):  # GS L / GS W / GS P nL nH
            return len(self._need(4))
        if cmd == 0x6B:  # GS k: barcodes are not drawn
            self._job.unknown.append("GS k (barcode)")
            m = self._need(3)[2]
            if m <= 6:
                end = self._buf.find(b"\x00", 3)
                if end < 0:
                    raise NeedMore
                return end + 1
            return 4 + self._need(4)[3]
        n = self._need(3)[2]
        if cmd == 0x21:  # GS ! n
            self.width = (n >> 4) + 1
            self.height = (n & 0x0F) + 1
        elif cmd in (0x42, 0x48, 0x66, 0x68, 0x77, 0x61):
            pass  # reverse, HRI position, HRI font, barcode height/width, auto status back
        else:
            self._job.unknown.append(f"GS {cmd:02X}")
            return 2
        return 3

    def _fs(self) -> int:
        cmd = self._need(2)[1]
        if cmd == 0x26:  # FS &
            self.double_byte = True
            return 2
        if cmd == 0x2E:  # FS .
            self.double_byte = False
            return 2
        if cmd in (0x21, 0x2D, 0x57, 0x43):  # FS ! / FS - / FS W / FS C n
            n = self._need(3)[2]
            if cmd == 0x57:
                self.width = self.height = 2 if n & 1 else 1
            return 3
        if cmd == 0x53:  # FS S n1 n2
            return len(self._need(4))
        if cmd == 0x32:  # FS 2 c1 c2 d1..d72
            return len(self._need(76))
        self._job.unknown.append(f"FS {cmd:02X}")
        return 2

    def _two_d(self, body: bytes) -> None:
        cn, fn = body[0], body[1]
        if cn != 49:
            self._job.unknown.append(f"GS ( k cn={cn}")
            return
        if fn == 67:
            self._qr["module"] = body[2]
        elif fn == 69:
            self._qr["ec"] = body[2]
        elif fn == 80:
            self._qr["data"] = body[3:]
        elif fn == 81:
            self._print_line(force=False)
            data = bytes(self._qr["data"])
            code = qrcode.QRCode(
                error_correction=_QR_EC.get(self._qr["ec"], 0),
                box_size=self._qr["module"],
                border=0,
            )
            code.add_data(data)
            code.make(fit=True)
            image = code.make_image().get_image().convert("1")
            self._block("qr", data.decode("utf-8", "replace"), image)

    # -- lines and jobs ---------------------------------------------------------

    def _add_text(self, ch: str) -> None:
        style = (self.width, self.height, self.bold)
        run = Run(ch, *style)
        if self._line_dots() + run.dots() > self.paper.dots:
            self._job.warnings.append(
                f"line {len(self._job.lines) + 1} is wider than the paper; wrapped"
            )
            self._print_line(force=True)
        last = self._runs[-1] if self._runs else None
        if last and last.image is None and (last.width, last.height, last.bold) == style:
            last.text += ch
        else:
            self._runs.append(run)

    def _add_image(self, image: Image.Image) -> None:
        self._runs.append(Run(INLINE_IMAGE_MARK, image=image))

    def _line_dots(self) -> int:
        return sum(run.dots() for run in self._runs)

    def _print_line(self, force: bool) -> None:
        """Print the line buffer; ``force`` prints an empty line as a feed."""
        if not self._runs and not force:
            return
        runs, self._runs = self._runs, []
        images = [run.render() for run in runs]
        content = max([im.height for im in images], default=0)
        height = max(self.line_spacing, content + self.line_spacing - LINE_DOTS)
        strip = Image.new("1", (self.paper.dots, height), 1)
        used = sum(im.width for im in images)
        x = {"center": (self.paper.dots - used) // 2, "right": self.paper.dots - used}.get(
            self.align, 0
        )
        for im in images:
            strip.paste(im, (x, content - im.height))
            x += im.width
        text = "".join(run.text for run in runs)
        self._job.lines.append(
            PrintedLine(
                "text",
                text,
                self.align,
                max([r.width for r in runs], default=self.width),
                max([r.height for r in runs], default=self.height),
                any(r.bold and r.text.strip() for r in runs),
                strip,
            )
        )

    def _block(self, kind: str, text: str, image: Image.Image) -> None:
        strip = Image.new("1", (self.paper.dots, image.height), 1)
        x = {
            "center": (self.paper.dots - image.width) // 2,
            "right": self.paper.dots - image.width,
        }.get(self.align, 0)
        strip.paste(image, (max(0, x), 0))
        self._job.lines.append(PrintedLine(kind, text, self.align, strip=strip))

    def _feed_dots(self, dots: int) -> None:
        if dots:
            self._job.lines.append(
                PrintedLine(
                    "feed", "", self.align, strip=Image.new("1", (self.paper.dots, dots), 1)
                )
            )

    def _end_job(self, cut: str | None) -> None:
        job, self._job = self._job, Job(self.paper)
        job.cut = cut
        self._on_job(job)


def _column_image(data: bytes, columns: int, per_column: int, double: bool) -> Image.Image:
    """An ESC * bit image (8 or 24 dots high, column format) as a 1-bit image."""
    height = 8 * per_column
    image = Image.new("1", (columns, height), 1)
    pixels = image.load()
    for x in range(columns):
        for band in range(per_column):
            byte = data[x * per_column + band]
            for bit in range(8):
                if byte & (0x80 >> bit):
                    pixels[x, band * 8 + bit] = 0
    if not double:
        image = image.resize((columns * 2, height), Image.NEAREST)
    return image
