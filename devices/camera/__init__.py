"""Cameras for photographing materials on an agent's tablet: the :class:`Camera` protocol,
a simulator yielding pictures from files, and OpenCV for a real one (imported only when it
starts, so nothing camera-specific loads with the program). Kivy's own camera provider
(Android) lives with the agent front-end, which is allowed Kivy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from devices.camera.base import Camera, CameraError, CameraUnavailable, Frame, Still
from devices.camera.simulator import SimulatedCamera

SIM = "sim"


def open_camera(
    spec: str,
    sample_folder: Path | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Camera | None:
    """The camera ``[agent] camera`` names: ``""`` none, ``"sim"`` (``sample_folder``'s
    pictures), ``"sim:DIR"``, ``"opencv"`` or ``"opencv:N"``. Not started. ``"kivy"`` is
    the front-end's to open."""
    if not spec or spec == "kivy":
        return None
    if spec == SIM or spec.startswith(SIM + ":"):
        folder = Path(spec[len(SIM) + 1 :]) if ":" in spec else sample_folder
        if folder is None:
            raise CameraUnavailable("no pictures for the simulated camera")
        return SimulatedCamera.from_folder(folder, now)
    if spec == "opencv" or spec.startswith("opencv:"):
        from devices.camera.opencv import OpenCVCamera

        return OpenCVCamera(int(spec.partition(":")[2] or 0), now)
    raise CameraUnavailable(f"unknown camera {spec!r}")


__all__ = [
    "SIM",
    "Camera",
    "CameraError",
    "CameraUnavailable",
    "Frame",
    "SimulatedCamera",
    "Still",
    "open_camera",
]
