"""Pseudo-terminal pairs for simulated serial devices."""

from __future__ import annotations

import os
import tty


def open_raw_pty() -> tuple[int, int, str]:
    """Open a pty pair with both ends in raw mode; returns (master fd, slave fd, slave path).

    A driver opens the slave path exactly like a USB serial device; the simulator
    talks on the master. Keeping the slave fd open stops the master from seeing
    EOF while no driver has the device open.
    """
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    return master, slave, os.ttyname(slave)
