"""Signed HTTP to one platform: every request carries the device's signature (contract
section 1) with the device clock corrected by the offset learnt from ``Date`` headers, and
every answer that is not what the contract promises becomes one of the client's errors.
"""

from __future__ import annotations

import functools
import ssl
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import httpx

from offline_sync.client.errors import (
    AuthRejected,
    CursorExpired,
    LinkDown,
    PlatformError,
    RetryLater,
    TooLarge,
)
from offline_sync.clock import Clock
from offline_sync.signing import secret_key, sign_headers


class SignedHttp:
    """Signed requests for one device. Not thread-safe: one per thread."""

    def __init__(
        self,
        base_url: str,
        device_id: str,
        device_secret_hex: str,
        clock: Clock,
        timeout_s: float,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.device_id = device_id
        self.clock_offset = 0.0
        """Seconds to add to the device clock to get the platform's (from ``Date`` headers)."""
        self._key = secret_key(device_secret_hex)
        self._clock = clock
        self._http = httpx.Client(
            timeout=timeout_s,
            transport=transport,
            verify=_tls_context(),
            follow_redirects=False,
            headers={"Accept-Encoding": "gzip", "User-Agent": "bianmin"},
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> httpx.Response:
        """Send one request (signed unless told not to); retried once at once on clock_skew.

        ``path`` starts at the platform's root (``/api/v1/...``).
        """
        for attempt in (1, 2):
            request = self._http.build_request(
                method, self.base_url + path, params=params, content=body, headers=headers
            )
            if sign:
                target = request.url.raw_path.decode("ascii")
                request.headers.update(
                    sign_headers(
                        self.device_id, self._key, method, target, body, self._platform_time()
                    )
                )
            try:
                response = self._http.send(request)
            except httpx.RequestError as exc:
                raise LinkDown(
                    f"{method} {self.base_url}{path}: {type(exc).__name__}: {exc}"
                ) from exc
            self._note_date(response)
            if (
                attempt == 1
                and response.status_code == 401
                and self.error_of(response)[0] == "clock_skew"
            ):
                continue
            return response
        return response

    def _platform_time(self) -> int:
        return int(self._clock.now().timestamp() + self.clock_offset)

    def _note_date(self, response: httpx.Response) -> None:
        """Estimate the clock offset from the response's ``Date`` (whole seconds: add half)."""
        value = response.headers.get("Date")
        if not value:
            return
        try:
            server = parsedate_to_datetime(value).timestamp() + 0.5
        except (TypeError, ValueError, IndexError):
            return
        self.clock_offset = server - self._clock.now().timestamp()

    @staticmethod
    def error_of(response: httpx.Response) -> tuple[str | None, str]:
        """(code, message) of a contract error body; (None, why) for anything else."""
        try:
            error = response.json().get("error")
            code, message = error["code"], error["message"]
        except (ValueError, AttributeError, TypeError, KeyError):
            kind = response.headers.get("Content-Type", "no content type")
            return None, f"HTTP {response.status_code} answer that is not the platform's ({kind})"
        if not isinstance(code, str) or not isinstance(message, str):
            return None, f"HTTP {response.status_code} answer with a malformed error"
        return code, message

    def fail(self, response: httpx.Response, what: str) -> NoReturn:
        """Raise the error the contract says this answer is (``what`` starts its message)."""
        status = response.status_code
        code, message = self.error_of(response)
        message = f"{what}: {message}"
        if status in (429, 503):
            raise RetryLater(self._retry_after(response), status, message)
        if status >= 500 or code is None:
            raise LinkDown(message, status)
        if status == 401:
            raise AuthRejected(code, message)
        if status == 410 and code == "cursor_expired":
            raise CursorExpired(message)
        if status == 413:
            raise TooLarge(message)
        raise PlatformError(status, code, message)

    def _retry_after(self, response: httpx.Response) -> float | None:
        value = response.headers.get("Retry-After", "").strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, when - self._clock.now().timestamp() - self.clock_offset)

    @staticmethod
    def json_of(response: httpx.Response, what: str) -> dict[str, Any]:
        """The answer's JSON object; LinkDown for anything else (a portal's page)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            kind = response.headers.get("Content-Type", "no content type")
            raise LinkDown(
                f"{what}: the answer is not the platform's JSON ({kind})", response.status_code
            )
        return body


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """httpx's default TLS context, built once (loading CA certificates takes ~70 ms)."""
    return httpx.create_ssl_context()
