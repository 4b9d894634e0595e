"""Queue figures: the wait estimate a villager is told, and the day's statistics for staff."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from datetime import date, datetime, timedelta

from kiosk.config import Config, Service
from kiosk.core.queue.model import ServiceStats, TicketState
from kiosk.core.queue.timefmt import iso, parse


def estimate_wait(
    conn: sqlite3.Connection, config: Config, service: Service, ahead: int, now: datetime
) -> int:
    """People ahead times the recent mean service time, over the counters open for it.

    A counter is open when it called someone within ``[queue] counter_active_min`` and
    is not paused (暂停服务); with none open, every configured counter is assumed.
    """
    if ahead == 0:
        return 0
    recent = conn.execute(
        "SELECT serving_at, finished_at FROM ticket WHERE service_code = ? AND state = 'served'"
        " AND serving_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        (service.code, config.queue.service_time_window),
    ).fetchall()
    mean = _mean([minutes(r[0], r[1]) for r in recent]) or service.default_service_min
    since = iso(now - timedelta(minutes=config.queue.counter_active_min))
    marks = ",".join("?" * len(service.counters))
    active = conn.execute(
        f"SELECT count(*) FROM counter_activity WHERE counter IN ({marks}) AND active_at >= ?"
        " AND paused_at IS NULL",
        (*service.counters, since),
    ).fetchone()[0]
    return math.ceil(ahead * mean / (active or len(service.counters)))


def day_stats(conn: sqlite3.Connection, config: Config, day: date) -> list[ServiceStats]:
    """Figures per service for a local day."""
    out = []
    for service in config.services:
        rows = conn.execute(
            "SELECT state, issued_at, called_at, serving_at, finished_at, channel FROM ticket"
            " WHERE day = ? AND service_code = ?",
            (day.isoformat(), service.code),
        ).fetchall()
        waits = sorted(minutes(r["issued_at"], r["called_at"]) for r in rows if r["called_at"])
        services = [
            minutes(r["serving_at"], r["finished_at"])
            for r in rows
            if r["state"] == TicketState.SERVED and r["serving_at"]
        ]
        out.append(
            ServiceStats(
                service_code=service.code,
                tickets=len(rows),
                called=len(waits),
                served=sum(r["state"] == TicketState.SERVED for r in rows),
                no_show=sum(r["state"] == TicketState.NO_SHOW for r in rows),
                mean_wait_min=_mean(waits),
                p90_wait_min=_percentile(waits, 0.9),
                mean_service_min=_mean(services),
                channels=dict(Counter(r["channel"] for r in rows)),
            )
        )
    return out


def minutes(start: str, end: str) -> float:
    """Minutes between two stored times."""
    return (parse(end) - parse(start)).total_seconds() / 60


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _percentile(ordered: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]
