"""The platform client: one method per endpoint of the contract (sections 2 to 5)."""

from __future__ import annotations

import contextlib
import gzip
from dataclasses import dataclass
from typing import Any

import httpx

from offline_sync.client.bounded import MAX_CURSOR_CHARS
from offline_sync.client.errors import LinkDown, PlatformError
from offline_sync.client.signed import SignedHttp
from offline_sync.client.tus import TusUploader
from offline_sync.clock import Clock
from offline_sync.contract import canonical_json
from offline_sync.contract.protocol import API_PREFIX, DEFAULT_PULL_LIMIT


@dataclass(frozen=True)
class ChangesPage:
    """One page of the change feed."""

    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool


class PlatformClient:
    """Signed requests to one platform for one device. Not thread-safe: one per thread."""

    def __init__(
        self,
        base_url: str,
        device_id: str,
        device_secret_hex: str,
        clock: Clock,
        timeout_s: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = SignedHttp(base_url, device_id, device_secret_hex, clock, timeout_s, transport)
        self._tus = TusUploader(self._http)

    @property
    def base_url(self) -> str:
        """The platform's base URL, without a trailing slash."""
        return self._http.base_url

    @property
    def device_id(self) -> str:
        """The device this client signs for."""
        return self._http.device_id

    @property
    def clock_offset(self) -> float:
        """Seconds to add to the device clock to get the platform's (from ``Date`` headers)."""
        return self._http.clock_offset

    def set_deadline(self, seconds: float | None) -> None:
        """Every request from now on ends within ``seconds`` (the sync run's deadline), the
        whole answer included; None: each within the request timeout alone."""
        self._http.set_deadline(seconds)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ping(self) -> bool:
        """True when the platform itself answers ``/api/v1/ping`` (not a portal or a proxy)."""
        try:
            self.check_ping()
        except LinkDown:
            return False
        return True

    def check_ping(self) -> None:
        """Return when the platform itself answers ``/api/v1/ping``; else raise LinkDown
        saying what answered instead (the address and the cause, for the technician)."""
        url = f"{self.base_url}{API_PREFIX}/ping"
        response = self._http.send("GET", f"{API_PREFIX}/ping", sign=False)
        body = None
        if response.status_code == 200:
            with contextlib.suppress(ValueError):  # not JSON: not the platform
                body = response.json()
        if not (
            isinstance(body, dict)
            and body.get("service") == "provincial-platform"
            and body.get("api") == "v1"
        ):
            raise LinkDown(
                f"GET {url} answered HTTP {response.status_code}, but not as the platform"
                " (a portal or a proxy?)"
            )

    def push(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send a batch of records (gzip); the per-record results, in request order."""
        raw = canonical_json({"records": records})
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        body = gzip.compress(raw, compresslevel=6, mtime=0)
        response = self._http.send("POST", f"{API_PREFIX}/records", body=body, headers=headers)
        if response.status_code != 200:
            self._http.fail(response, "push")
        results = self._http.json_of(response, "push").get("results")
        if (
            not isinstance(results, list)
            or len(results) != len(records)
            or not all(isinstance(r, dict) and isinstance(r.get("status"), str) for r in results)
        ):
            raise LinkDown("push: the answer does not hold one result per record", 200)
        return results

    def changes(self, cursor: str | None, limit: int = DEFAULT_PULL_LIMIT) -> ChangesPage:
        """One page of this device's change feed after ``cursor`` (None: from the beginning)."""
        params = {"cursor": cursor, "limit": str(limit)} if cursor else {"limit": str(limit)}
        response = self._http.send("GET", f"{API_PREFIX}/changes", params=params)
        if response.status_code != 200:
            self._http.fail(response, "changes")
        body = self._http.json_of(response, "changes")
        changes, new_cursor, has_more = (
            body.get("changes"),
            body.get("cursor"),
            body.get("has_more"),
        )
        if (
            not isinstance(changes, list)
            or not isinstance(new_cursor, str)
            or not isinstance(has_more, bool)
            or not all(isinstance(c, dict) for c in changes)
        ):
            raise LinkDown("changes: the answer is not a change feed page", 200)
        if len(new_cursor) > MAX_CURSOR_CHARS or not (
            new_cursor.isascii() and new_cursor.isprintable()
        ):
            shown = f"{len(new_cursor)} characters" if new_cursor.isascii() else "not ASCII"
            raise PlatformError(
                200,
                "bad_cursor",
                f"changes: the feed's cursor ({shown}) is not one this device keeps (printable"
                f" ASCII, at most {MAX_CURSOR_CHARS} characters); the feed is refused",
            )
        return ChangesPage(changes, new_cursor, has_more)

    def upload(
        self, attachment_id: str, case_id: str, data: bytes, sha256_hex: str, media_type: str
    ) -> None:
        """Upload one attachment through tus, resuming from the platform's offset.

        Returns when the platform holds every byte and has checked the whole file's
        digest. After a break (an exception from this method) the next call for that
        attachment asks the platform for its offset (HEAD) first and sends only what is
        missing.
        """
        self._tus.upload(attachment_id, case_id, data, sha256_hex, media_type)
