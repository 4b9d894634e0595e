"""Pytest fixtures of a real reference platform on 127.0.0.1 (see :mod:`kiosk.demo.platform`).

Import the fixture into your test module::

    from tests.platform_fixtures import platform_server  # noqa: F401

    def test_x(platform_server):
        client = platform_server.client()          # a PlatformClient for the device
        platform_server.service.set_case_status(case_no, "accepted")
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.demo.platform import RunningPlatform, running_platform


@pytest.fixture
def platform_server(tmp_path: Path) -> Iterator[RunningPlatform]:
    """A running reference platform (fixture catalogue) with an enrolled device."""
    with running_platform(tmp_path / "platform") as running:
        yield running


@pytest.fixture(scope="module")
def shared_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """One running reference platform for a whole test module."""
    with running_platform(tmp_path_factory.mktemp("platform")) as running:
        yield running


@pytest.fixture
def platform(shared_platform: RunningPlatform) -> RunningPlatform:
    """The module's platform, seen by a device enrolled for this test alone (fast)."""
    device_id = f"511502-T-{uuid.uuid4().hex[:8]}"
    secret = shared_platform.service.enroll(device_id)
    return dataclasses.replace(shared_platform, device_id=device_id, device_secret=secret)
