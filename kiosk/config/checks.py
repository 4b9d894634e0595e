"""How values are checked: the metadata a section's field carries (:func:`pattern`,
:func:`within`, a URL's ``problem``), and the checks across a table's keys."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.config.errors import ConfigError

if TYPE_CHECKING:
    from kiosk.config.site import Service


def pattern(regex: str, allowed: str) -> dict[str, Any]:
    """A field's metadata: its value must match ``regex``; ``allowed`` says what may go there."""
    return {"pattern": re.compile(regex), "allowed": allowed}


def within(lo: float, hi: float) -> dict[str, Any]:
    """A field's metadata: its value must be a number from ``lo`` to ``hi``."""
    return {"range": (lo, hi), "allowed": f"a number from {lo} to {hi}"}


def platform_url_problem(url: str) -> str | None:
    """A platform URL that names the API instead of the platform: the client adds
    ``/api/v1/...`` to every request itself, so ``.../api/v1`` would ask ``/api/v1/api/v1``."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not (path.endswith("/api/v1") or path.endswith("/api") or "/api/v1/" in path + "/"):
        return None
    base = f"{parts.scheme}://{parts.netloc}{path.split('/api', 1)[0]}"
    return f"the platform's base URL goes without /api/v1 (each request adds it): write {base!r}"


def public_url_problem(url: str) -> str | None:
    """A phone page address phones cannot use: this machine only (phones would open
    themselves), or the page's own path (``/m`` is added to it)."""
    parts = urlsplit(url)
    if parts.hostname in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        return "phones cannot reach this machine there: write its address on the hall's Wi-Fi"
    if parts.path.rstrip("/").endswith("/m"):
        base = url.rstrip("/").removesuffix("/m")
        return (
            f"the hall server's address goes without /m (the page's path is added): write {base!r}"
        )
    return None


def check_services(services: list[Service], source: str) -> None:
    """At least one service; no code and no ticket prefix used twice."""
    if not services:
        raise ConfigError(f"{source}: missing required key services (at least one [[services]])")
    seen_codes: set[str] = set()
    seen_prefixes: dict[str, str] = {}
    for i, service in enumerate(services):
        if service.code in seen_codes:
            raise ConfigError(
                f"{source}: services[{i}].code = {service.code!r} is used twice; allowed: unique codes"
            )
        if service.prefix in seen_prefixes:
            raise ConfigError(
                f"{source}: services[{i}].prefix = {service.prefix!r} is already the prefix of "
                f"{seen_prefixes[service.prefix]!r}; allowed: a different letter per service"
            )
        seen_codes.add(service.code)
        seen_prefixes[service.prefix] = service.code


def check_timezone(zone: str | None, source: str) -> None:
    """``[site] timezone`` names a known time zone."""
    if zone is None:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: site.timezone = {zone!r} is not a known time zone;"
            " allowed: an IANA name such as 'Asia/Shanghai'"
        ) from None


def check_hours(values: dict[str, Any], source: str) -> None:
    """``[hours]``: weekdays 1 to 7 each once, opening before closing."""
    days = values.get("days")
    if days is not None:
        bad = [d for d in days if not 1 <= d <= 7]
        if bad or not days or len(set(days)) != len(days):
            raise ConfigError(
                f"{source}: hours.days = {days!r}; allowed: weekdays 1 (Monday) to 7 (Sunday),"
                " each once, at least one"
            )
    opens, closes = values.get("open"), values.get("close")
    if opens is not None and closes is not None and opens >= closes:
        raise ConfigError(
            f"{source}: hours.open = {opens!r} is not before hours.close = {closes!r};"
            " allowed: an opening time earlier than the closing time"
        )
