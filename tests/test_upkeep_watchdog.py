"""The sd_notify protocol against a real Unix datagram socket, as systemd listens."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from kiosk.core.upkeep.watchdog import Watchdog


@pytest.fixture(name="listener")
def listener_fixture(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = tmp_path / "notify.sock"
    sock.bind(str(path))
    sock.settimeout(5)
    yield sock, str(path)
    sock.close()


def test_ready_status_and_pings_arrive_as_systemd_reads_them(listener):
    sock, path = listener
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "20000000", "WATCHDOG_PID": str(os.getpid())}
    watchdog = Watchdog.from_environment(env)
    assert watchdog.enabled and watchdog.interval_s == 10.0
    assert watchdog.ready("home screen drawn")
    assert sock.recv(4096) == b"READY=1\nSTATUS=home screen drawn"
    for _ in range(3):
        assert watchdog.ping()
        assert sock.recv(4096) == b"WATCHDOG=1"
    assert watchdog.status("sync: 3 pending")
    assert sock.recv(4096) == b"STATUS=sync: 3 pending"
    assert watchdog.stopping()
    assert sock.recv(4096) == b"STOPPING=1"
    watchdog.close()


def test_abstract_socket_names_start_with_an_at_sign():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    name = f"bianmin-test-{uuid.uuid4().hex}"
    sock.bind("\0" + name)
    sock.settimeout(5)
    try:
        watchdog = Watchdog.from_environment({"NOTIFY_SOCKET": "@" + name})
        assert watchdog.ping()
        assert sock.recv(4096) == b"WATCHDOG=1"
    finally:
        sock.close()


def test_without_systemd_every_call_is_a_quiet_no_op():
    watchdog = Watchdog.from_environment({})
    assert not watchdog.enabled and watchdog.interval_s is None
    assert not watchdog.ready() and not watchdog.ping()


def test_a_watchdog_meant_for_another_process_is_not_ours(listener):
    _, path = listener
    env = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"}
    assert Watchdog.from_environment(env).interval_s is None


def test_a_vanished_socket_is_reported_not_raised(tmp_path):
    watchdog = Watchdog(str(tmp_path / "gone.sock"), 1_000_000)
    assert watchdog.ping() is False
