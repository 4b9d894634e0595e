"""Serial port failures in a few words for a technician: busy, vanished, refused."""

from __future__ import annotations

import os
import termios

PORT_BUSY = "busy: another program has it open"


def is_port_busy(exc: BaseException) -> bool:
    """True when opening failed because another program holds the port's exclusive lock."""
    return "exclusively lock" in str(exc)


def serial_cause(exc: BaseException) -> str:
    """The cause of a serial error: ``No such file or directory``, ``Permission denied``, ...

    pyserial repeats the port and the errno inside its message; a caller names the port once.
    """
    if isinstance(exc, termios.error) and len(exc.args) == 2:
        return str(exc.args[1])
    if isinstance(exc, OSError) and exc.errno:  # serial.SerialException is an OSError
        return os.strerror(exc.errno)
    return str(exc) or type(exc).__name__
