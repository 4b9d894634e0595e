"""Cameras on the tablet: Kivy's own camera provider (Android, and Linux with GStreamer),
behind the same :class:`devices.camera.Camera` protocol as the simulator and OpenCV, and a
viewfinder widget showing any camera's preview frames."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from kivy.clock import Clock
from kivy.graphics.texture import Texture
from kivy.properties import ObjectProperty
from kivy.uix.image import Image as KivyImage
from PIL import Image

from devices.camera import CameraUnavailable, Frame, Still

_PREVIEW_S = 0.2
_JPEG_QUALITY = 95


class KivyCamera:
    """Kivy's camera provider; created when the camera screen first opens."""

    def __init__(
        self, now: Any, index: int = 0, resolution: tuple[int, int] = (1920, 1080)
    ) -> None:
        self._now = now
        self.index = index
        self.resolution = resolution
        self._camera: Any = None

    def start(self) -> None:
        """Open the camera; CameraUnavailable when the provider has none."""
        try:
            from kivy.core.camera import Camera as CoreCamera
        except Exception as exc:
            raise CameraUnavailable(f"no Kivy camera provider: {exc}") from None
        if CoreCamera is None:
            raise CameraUnavailable("no Kivy camera provider")
        try:
            self._camera = CoreCamera(index=self.index, resolution=self.resolution, stopped=False)
        except Exception as exc:
            raise CameraUnavailable(f"camera {self.index} cannot be opened: {exc}") from None

    def _pixels(self) -> tuple[int, int, bytes]:
        texture = getattr(self._camera, "texture", None)
        if texture is None:
            raise CameraUnavailable("the camera gave no picture yet")
        width, height = texture.size
        return width, height, bytes(texture.pixels)

    def frame(self) -> Frame | None:
        """The latest preview frame, as RGB."""
        if self._camera is None or getattr(self._camera, "texture", None) is None:
            return None
        width, height, rgba = self._pixels()
        image = Image.frombytes("RGBA", (width, height), rgba).convert("RGB")
        return Frame(width, height, image.tobytes())

    def capture(self) -> Still:
        """The current frame at the camera's resolution, as a JPEG."""
        width, height, rgba = self._pixels()
        taken: datetime = self._now()
        out = io.BytesIO()
        Image.frombytes("RGBA", (width, height), rgba).convert("RGB").save(
            out, "JPEG", quality=_JPEG_QUALITY
        )
        return Still(out.getvalue(), "image/jpeg", taken)

    def stop(self) -> None:
        """Release the camera."""
        if self._camera is not None:
            self._camera.stop()
            self._camera = None


class Viewfinder(KivyImage):
    """Shows a camera's preview frames while it is on screen."""

    camera = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._event: Any = None

    def run(self) -> None:
        """Start showing frames."""
        if self._event is None:
            self._event = Clock.schedule_interval(self._show, _PREVIEW_S)
        self._show()

    def halt(self) -> None:
        """Stop showing frames."""
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def _show(self, *_args: Any) -> None:
        frame = self.camera.frame() if self.camera is not None else None
        if frame is None:
            return
        texture = Texture.create(size=(frame.width, frame.height), colorfmt="rgb")
        texture.blit_buffer(frame.pixels, colorfmt="rgb", bufferfmt="ubyte")
        texture.flip_vertical()
        self.texture = texture
