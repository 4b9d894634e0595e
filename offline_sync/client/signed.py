"""Signed HTTP to one platform: every request carries the device's signature (contract
section 1) with the device clock corrected by the offset learnt from ``Date`` headers, and
every answer that is not what the contract promises becomes one of the client's errors.
"""

from __future__ import annotations

import functools
import math
import ssl
import time
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import httpx

from offline_sync.client.bounded import (
    MAX_ANSWER_BYTES,
    AnswerTooLarge,
    AnswerTooSlow,
    DeadlineTransport,
    UnreadableEncoding,
    answered,
    capped_retry_after,
    read_body,
)
from offline_sync.client.errors import (
    AuthRejected,
    CursorExpired,
    LinkDown,
    PlatformError,
    RetryLater,
    TooLarge,
)
from offline_sync.clock import Clock
from offline_sync.link_hints import transport_problem
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
        self.max_answer_bytes = MAX_ANSWER_BYTES
        self._key = secret_key(device_secret_hex)
        self._clock = clock
        self._timeout_s = timeout_s
        self._deadline: float | None = None  # time.monotonic() by which requests must end
        self._request_end = math.inf
        self._http = httpx.Client(
            timeout=timeout_s,
            transport=transport or DeadlineTransport(_tls_context(), lambda: self._request_end),
            verify=_tls_context(),
            follow_redirects=False,
            headers={"Accept-Encoding": "gzip", "User-Agent": "bianmin"},
        )

    def set_deadline(self, seconds: float | None) -> None:
        """Every request from now on ends within ``seconds`` (None: within the request
        timeout alone): connecting, sending and the whole answer, however it trickles."""
        self._deadline = None if seconds is None else time.monotonic() + max(seconds, 0.0)

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
            started = time.monotonic()
            self._request_end = min(started + self._timeout_s, self._deadline or math.inf)
            if self._request_end <= started:
                raise LinkDown(f"{method} {self.base_url}{path}: the deadline has passed")
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
            response = self._exchange(request, f"{method} {self.base_url}{path}", started)
            self._note_date(response)
            if (
                attempt == 1
                and response.status_code == 401
                and self.error_of(response)[0] == "clock_skew"
            ):
                continue
            return response
        return response

    def _exchange(self, request: httpx.Request, what: str, started: float) -> httpx.Response:
        """Send ``request`` and read its whole answer within bounds (size, deadline)."""
        try:
            streamed = self._http.send(request, stream=True)
            try:
                body = read_body(streamed, self.max_answer_bytes, lambda: self._request_end)
            finally:
                streamed.close()
        except (httpx.TimeoutException, AnswerTooSlow):
            waited = time.monotonic() - started
            raise LinkDown(
                f"{what}: no complete answer within {waited:.1f} s (deadline or request timeout)"
            ) from None
        except AnswerTooLarge as exc:
            raise LinkDown(
                f"{what}: the answer is larger than {self.max_answer_bytes} bytes ({exc});"
                " not read further"
            ) from None
        except UnreadableEncoding as exc:
            raise LinkDown(f"{what}: an answer in the unknown encoding {exc}") from None
        except httpx.RequestError as exc:
            raise LinkDown(f"{what}: {transport_problem(exc, self.base_url)}") from exc
        return answered(streamed, body)

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
        """``Retry-After`` in seconds, at most an hour (:data:`MAX_RETRY_AFTER_S`)."""
        value = response.headers.get("Retry-After", "").strip()
        if value.isascii() and value.isdigit():
            return capped_retry_after(float(value))
        try:
            when = parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        return capped_retry_after(when - self._clock.now().timestamp() - self.clock_offset)

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
