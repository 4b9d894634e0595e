"""``bianmin doctor``: named, independent checks of the appliance, each ok, warn, fail or crash.

Every check is a function registered with :func:`~kiosk.core.upkeep.doctor.report.check`
in one of the ``checks_*`` modules; :func:`run_checks` runs the named ones (all by
default) side by side, each under its own time limit, so a check that hangs or raises is
reported and never stops the others. Adding a check is one decorated function.
"""

from kiosk.core.upkeep.doctor.report import (
    CHECKS,
    CheckResult,
    DoctorContext,
    DoctorReport,
    NotChecked,
    Status,
    run_checks,
)

__all__ = [
    "CHECKS",
    "CheckResult",
    "DoctorContext",
    "DoctorReport",
    "NotChecked",
    "Status",
    "run_checks",
]
