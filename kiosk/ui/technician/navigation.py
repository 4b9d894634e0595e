"""Which technician screen shows what: the menu opens a set-up step or the doctor here,
so that no screen touches another."""

from __future__ import annotations

from typing import Any

MENU = "tech_menu"
SETUP = "tech_setup"
DOCTOR = "tech_doctor"


def open_menu(app: Any) -> None:
    """The technician menu (after the right PIN)."""
    app.go(MENU)


def open_setup(app: Any, step: Any) -> None:
    """The set-up screen, rendering ``step`` afresh."""
    app.screen(SETUP).render(step)
    app.go(SETUP)


def open_doctor(app: Any) -> None:
    """The doctor's screen, running the checks."""
    app.screen(DOCTOR).run()
    app.go(DOCTOR)
