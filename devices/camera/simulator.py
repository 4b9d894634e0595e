"""A camera for tests, demos and the tour: stills and preview frames from image files.

Each :meth:`SimulatedCamera.capture` returns the next file's bytes as they are (a 12-megapixel
JPEG stays one), so what follows a real camera is what is exercised.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from devices.camera.base import CameraUnavailable, Frame, Still

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
_PREVIEW = (640, 480)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SimulatedCamera:
    """Yields the given images in turn, as stills and as downscaled preview frames."""

    def __init__(
        self, images: Sequence[Path | bytes], now: Callable[[], datetime] = _utc_now
    ) -> None:
        if not images:
            raise CameraUnavailable("the simulated camera has no images")
        self._images = list(images)
        self._now = now
        self._next = 0
        self._preview: dict[int, Frame] = {}
        self.started = False
        self.captured = 0

    @classmethod
    def from_folder(cls, folder: Path, now: Callable[[], datetime] = _utc_now) -> SimulatedCamera:
        """A camera showing the pictures of ``folder``, by file name."""
        files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise CameraUnavailable(f"{folder}: no .jpg or .png pictures for the simulated camera")
        return cls(files, now)

    def _bytes(self, index: int) -> bytes:
        image = self._images[index]
        return image if isinstance(image, bytes) else Path(image).read_bytes()

    def start(self) -> None:
        """Nothing to open."""
        self.started = True

    def frame(self) -> Frame | None:
        """The picture the next still will be, small (None while stopped)."""
        if not self.started:
            return None
        index = self._next % len(self._images)
        if index not in self._preview:
            with Image.open(io.BytesIO(self._bytes(index))) as image:
                image.draft("RGB", _PREVIEW)
                small = image.convert("RGB")
                small.thumbnail(_PREVIEW)
                self._preview[index] = Frame(small.width, small.height, small.tobytes())
        return self._preview[index]

    def capture(self) -> Still:
        """The next picture, as its file holds it."""
        if not self.started:
            raise CameraUnavailable("the camera is not started")
        index = self._next % len(self._images)
        self._next += 1
        self.captured += 1
        data = self._bytes(index)
        media_type = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
        return Still(data, media_type, self._now())

    def stop(self) -> None:
        """Nothing to release."""
        self.started = False
