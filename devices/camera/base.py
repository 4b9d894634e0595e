"""What every camera gives: preview frames for the viewfinder, and stills at full size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from devices.errors import DeviceError


class CameraError(DeviceError):
    """The camera cannot be used; ``key`` names the sentence for the agent (agent.po)."""

    key = "camera.error"


class CameraUnavailable(CameraError):
    """No camera here (none fitted, no driver, or taken by another app)."""

    key = "camera.unavailable"


@dataclass(frozen=True)
class Frame:
    """One preview frame: RGB pixels, rows from the top, ``width * height * 3`` bytes."""

    width: int
    height: int
    pixels: bytes


@dataclass(frozen=True)
class Still:
    """A photo as the camera took it: an encoded image (JPEG) and when it was taken."""

    data: bytes
    media_type: str
    captured_at: datetime


class Camera(Protocol):
    """A camera: started for the viewfinder, asked for a still, stopped."""

    def start(self) -> None:
        """Open the camera (CameraUnavailable when it cannot be opened)."""

    def frame(self) -> Frame | None:
        """The latest preview frame, or None before the first."""

    def capture(self) -> Still:
        """Take a photo at the camera's full size."""

    def stop(self) -> None:
        """Release the camera (stopped already is fine)."""
