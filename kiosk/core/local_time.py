"""Times as a person reads them: local time with its offset, in one shape everywhere.

The store keeps times in UTC (RFC 3339); tickets, receipts and cases are stamped in
the site's zone. Whatever a command prints for a person to read goes through
:func:`local_text`, so ``printer jobs``, ``idcard watch``, ``status``, a case's timeline
and ``sync dead-letters`` never mix UTC and local time: ``2026-11-23 09:30:05 +08:00``.
JSON output keeps the stored RFC 3339 text for programs.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

FORMAT = "%Y-%m-%d %H:%M:%S"
FORMAT_MINUTES = "%Y-%m-%d %H:%M"


def local_text(
    at: datetime | str | None,
    zone: tzinfo | str | None = None,
    *,
    seconds: bool = True,
    never: str = "never",
) -> str:
    """``at`` in ``zone`` (a site's ``[site] timezone``; None: this machine's zone) as
    ``YYYY-MM-DD HH:MM:SS +HH:MM``; ``never`` for None or an empty text.

    ``at`` is a datetime or an ISO 8601 / RFC 3339 text; one without an offset is UTC
    (SQLite's ``CURRENT_TIMESTAMP``). Text that is not a time is returned as it is.
    """
    if at is None or at == "":
        return never
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            return at
    else:
        moment = at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    local = moment.astimezone(zone) if zone is not None else moment.astimezone()
    return f"{local.strftime(FORMAT if seconds else FORMAT_MINUTES)} {offset_text(local)}"


def offset_text(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ``+08:00``."""
    minutes = round(moment.utcoffset().total_seconds() / 60)  # type: ignore[union-attr]
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def now_text(zone: tzinfo | str | None = None) -> str:
    """The current time as :func:`local_text` writes it."""
    return local_text(datetime.now(UTC), zone)


CLOCK_WARN_S = 30.0  # a ticket or receipt a person reads is visibly wrong from here
CLOCK_FAIL_S = 300.0  # the platform refuses signed requests this far off


def offset_words(offset_s: float) -> str:
    """How this device's clock stands against the platform's, given the platform's clock
    minus the device's: ``3 s behind the platform``, ``2 h 5 min ahead of the platform``."""
    size = round(abs(offset_s))
    minutes = round(size / 60)
    if size < 1:
        return "in step with the platform"
    if size < 120:
        amount = f"{size} s"
    elif minutes < 120:
        amount = f"{minutes} min"
    elif size < 2 * 86400:
        amount = f"{minutes // 60} h {minutes % 60} min"
    else:
        amount = f"{round(size / 86400)} days"
    return f"{amount} {'behind' if offset_s > 0 else 'ahead of'} the platform"
