"""Shared by the security tests: a reference platform with the packaged catalogue (one per
module, a device enrolled per test), the CLI in this process, and a case to submit.

Import the fixtures explicitly: ``from tests.security_fixtures import hub, seed_platform``.
"""

from __future__ import annotations

import dataclasses
import os
import pwd
import uuid
from collections.abc import Iterator

import pytest
from click.testing import Result

from kiosk.core.catalogue import seed_dir
from kiosk.demo.platform import RunningPlatform, running_platform

PENSION = "511500-0101-01"
PENSION_FORM = {"phone": "13908171234", "address": "翠屏区李庄镇高石村3组", "grade": "300元"}


@pytest.fixture(scope="module")
def seed_platform(tmp_path_factory) -> Iterator[RunningPlatform]:
    """One reference platform serving the packaged catalogue, for the module."""
    with running_platform(tmp_path_factory.mktemp("platform"), catalogue=seed_dir()) as running:
        yield running


@pytest.fixture
def hub(seed_platform: RunningPlatform) -> RunningPlatform:
    """The module's platform, seen by a device enrolled for this test alone."""
    device_id = f"511502-S-{uuid.uuid4().hex[:8]}"
    secret = seed_platform.service.enroll(device_id)
    return dataclasses.replace(seed_platform, device_id=device_id, device_secret=secret)


def one_line(result: Result, exit_code: int = 1) -> str:
    """The one line of stderr of a command that failed with ``exit_code``, no traceback."""
    assert result.exit_code == exit_code, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def as_nobody(job) -> str:
    """The text ``job()`` returns, run in a forked child as the user nobody (root may read
    and change any file: a permission the kiosk's user lacks is tested as nobody)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report, and leave without pytest's clean-up
        try:
            os.close(reader)
            nobody = pwd.getpwnam("nobody")
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            answer = job()
        except BaseException as exc:
            answer = f"child failed: {exc!r}"
        os.write(writer, answer.encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        answer = pipe.read().decode()
    os.waitpid(pid, 0)
    return answer
