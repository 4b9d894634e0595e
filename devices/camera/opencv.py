"""A USB or built-in camera through OpenCV (``opencv-python``, imported only when started)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from devices.camera.base import CameraUnavailable, Frame, Still

_JPEG_QUALITY = 95


class OpenCVCamera:
    """The camera with OpenCV index ``index``, asked for its largest picture size."""

    def __init__(
        self,
        index: int = 0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        width: int = 4000,
        height: int = 3000,
    ) -> None:
        self.index = index
        self._now = now
        self._size = (width, height)
        self._capture: Any = None
        self._cv2: Any = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Open the camera; CameraUnavailable without OpenCV or without the device."""
        try:
            import cv2
        except ImportError:
            raise CameraUnavailable("OpenCV (opencv-python) is not installed") from None
        capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            raise CameraUnavailable(f"camera {self.index} cannot be opened", index=self.index)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
        self._cv2, self._capture = cv2, capture

    def _read(self) -> Any:
        if self._capture is None:
            raise CameraUnavailable("the camera is not started")
        with self._lock:
            ok, image = self._capture.read()
        if not ok:
            raise CameraUnavailable(f"camera {self.index} gave no picture", index=self.index)
        return image

    def frame(self) -> Frame | None:
        """The latest frame, as RGB."""
        image = self._cv2.cvtColor(self._read(), self._cv2.COLOR_BGR2RGB)
        height, width = image.shape[:2]
        return Frame(width, height, image.tobytes())

    def capture(self) -> Still:
        """A full-size frame, JPEG encoded."""
        image = self._read()
        taken = self._now()
        ok, encoded = self._cv2.imencode(
            ".jpg", image, [self._cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY]
        )
        if not ok:
            raise CameraUnavailable("the picture could not be encoded")
        return Still(encoded.tobytes(), "image/jpeg", taken)

    def stop(self) -> None:
        """Release the camera."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None
