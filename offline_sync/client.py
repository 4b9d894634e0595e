"""Client of the provincial platform interface v1 (platform-api.md), over httpx.

One method per endpoint; each either returns what the contract promises or raises
one of the errors below, so the sync engine decides about retries in one place:

- :class:`LinkDown`: no usable answer (connection error, timeout, truncated or
  non-contract answer such as a captive portal's page, any ``5xx`` but 503).
- :class:`RetryLater`: ``429`` or ``503``; ``retry_after_s`` from ``Retry-After``.
- :class:`AuthRejected`: ``401`` with the contract's code (after one immediate
  retry on ``clock_skew`` with the corrected clock).
- :class:`CursorExpired`: ``410 cursor_expired`` from the change feed.
- :class:`TooLarge`: ``413``.
- :class:`PlatformError`: any other contract error; the base class of all of them.

Every request is signed with a fresh timestamp and nonce; the timestamp is the
device clock corrected by :attr:`PlatformClient.clock_offset`, estimated from the
``Date`` header of every response.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import ssl
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import httpx

from offline_sync.clock import Clock
from offline_sync.link_hints import transport_problem
from offline_sync.signing import secret_key, sign_headers

API = "/api/v1"
TUS_VERSION = "1.0.0"
CHUNK_BYTES = 1024 * 1024
_STUCK_LIMIT = 5
_CHUNK_RETRIES = 3


class PlatformError(Exception):
    """The platform answered with an error (``status`` is None when there was no answer)."""

    def __init__(self, status: int | None, code: str, message: str) -> None:
        super().__init__(f"{message} (HTTP {status} {code})" if status else message)
        self.status = status
        self.code = code
        self.message = message


class LinkDown(PlatformError):
    """No usable answer: connection error, timeout, non-contract answer, or a server error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(status, "link_down", message)


class RetryLater(PlatformError):
    """The platform is busy (429/503); ``retry_after_s`` is its ``Retry-After`` or None."""

    def __init__(self, retry_after_s: float | None, status: int = 503, message: str = "") -> None:
        super().__init__(status, "retry_later", message or "the platform asks to retry later")
        self.retry_after_s = retry_after_s


class AuthRejected(PlatformError):
    """The platform refused the device's credentials (``code`` as in contract section 1)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(401, code, message or f"authentication rejected: {code}")


class CursorExpired(PlatformError):
    """The change feed no longer knows the cursor: pull again from the beginning."""

    def __init__(self, message: str = "") -> None:
        super().__init__(410, "cursor_expired", message or "the cursor has expired")


class TooLarge(PlatformError):
    """The request is larger than the platform accepts (413)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(413, "too_large", message or "the request is too large")


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
        self._tus_max_size: int | None = None
        self._interrupted: set[str] = set()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- endpoints -----------------------------------------------------------

    def ping(self) -> bool:
        """True when the platform itself answers ``/api/v1/ping`` (not a portal or a proxy)."""
        try:
            response = self._request("GET", f"{API}/ping", sign=False)
        except LinkDown:
            return False
        if response.status_code != 200:
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return (
            isinstance(body, dict)
            and body.get("service") == "provincial-platform"
            and body.get("api") == "v1"
        )

    def push(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send a batch of records (gzip); the per-record results, in request order."""
        raw = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        body = gzip.compress(raw, compresslevel=6, mtime=0)
        response = self._request("POST", f"{API}/records", body=body, headers=headers)
        if response.status_code != 200:
            self._fail(response, "push")
        results = self._json(response, "push").get("results")
        if (
            not isinstance(results, list)
            or len(results) != len(records)
            or not all(isinstance(r, dict) and isinstance(r.get("status"), str) for r in results)
        ):
            raise LinkDown("push: the answer does not hold one result per record", 200)
        return results

    def changes(self, cursor: str | None, limit: int = 200) -> ChangesPage:
        """One page of this device's change feed after ``cursor`` (None: from the beginning)."""
        params = {"cursor": cursor, "limit": str(limit)} if cursor else {"limit": str(limit)}
        response = self._request("GET", f"{API}/changes", params=params)
        if response.status_code != 200:
            self._fail(response, "changes")
        body = self._json(response, "changes")
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
        return ChangesPage(changes, new_cursor, has_more)

    def upload(
        self, attachment_id: str, case_id: str, data: bytes, sha256_hex: str, media_type: str
    ) -> None:
        """Upload one attachment through tus, resuming from the platform's offset.

        Returns when the platform holds every byte and has checked the whole file's
        digest. After a break (an exception from this method) the next call asks the
        platform for its offset (HEAD) first and sends only what is missing.
        """
        if hashlib.sha256(data).hexdigest() != sha256_hex:
            raise ValueError(f"attachment {attachment_id}: the data does not match its sha256")
        if len(data) > self._max_upload_size():
            raise TooLarge(
                f"attachment {attachment_id}: {len(data)} bytes is over the platform's limit"
            )
        path = f"{API}/uploads/{attachment_id}"
        meta = (attachment_id, case_id, sha256_hex, media_type, len(data))
        offset = None
        if attachment_id in self._interrupted:
            offset = self._upload_offset(path, len(data))
        self._interrupted.add(attachment_id)
        if offset is None:
            offset = self._create_upload(path, *meta)
        stuck = chunk_failures = 0
        while offset < len(data):
            chunk = data[offset : offset + CHUNK_BYTES]
            digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
            headers = {
                "Tus-Resumable": TUS_VERSION,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Upload-Checksum": f"sha256 {digest}",
            }
            response = self._request("PATCH", path, body=chunk, headers=headers)
            status = response.status_code
            if status == 204:
                previous, offset = offset, _offset_header(response, "upload PATCH")
                chunk_failures = 0
                if offset <= previous:
                    stuck += 1
                    if stuck > _STUCK_LIMIT:
                        raise LinkDown(f"upload {attachment_id}: the offset does not advance", 204)
                continue
            if status == 460 and self._error(response)[0] == "file_checksum_mismatch":
                self._fail(response, f"upload {attachment_id}")
            if status == 460:
                chunk_failures += 1
                if chunk_failures >= _CHUNK_RETRIES:
                    raise LinkDown(
                        f"upload {attachment_id}: chunk checksum rejected {chunk_failures} times"
                    )
                continue
            if status not in (404, 409):
                self._fail(response, f"upload {attachment_id}")
            stuck += 1
            if stuck > _STUCK_LIMIT:
                self._fail(response, f"upload {attachment_id}")
            offset = self._upload_offset(path, len(data))
            if offset is None:
                offset = self._create_upload(path, *meta)
        self._interrupted.discard(attachment_id)

    # -- tus helpers ---------------------------------------------------------

    def _max_upload_size(self) -> int:
        if self._tus_max_size is None:
            response = self._request(
                "OPTIONS", f"{API}/uploads", headers={"Tus-Resumable": TUS_VERSION}
            )
            if response.status_code not in (200, 204):
                self._fail(response, "upload OPTIONS")
            versions = response.headers.get("Tus-Version", "")
            if TUS_VERSION not in [v.strip() for v in versions.split(",")]:
                raise LinkDown(
                    f"upload OPTIONS: not a tus {TUS_VERSION} server (Tus-Version {versions!r})"
                )
            try:
                self._tus_max_size = int(response.headers.get("Tus-Max-Size", "20971520"))
            except ValueError:
                raise LinkDown("upload OPTIONS: Tus-Max-Size is not a number") from None
        return self._tus_max_size

    def _create_upload(
        self,
        path: str,
        attachment_id: str,
        case_id: str,
        sha256_hex: str,
        media_type: str,
        size: int,
    ) -> int:
        pairs = {
            "attachment_id": attachment_id,
            "case_id": case_id,
            "sha256": sha256_hex,
            "media_type": media_type,
        }
        metadata = ",".join(
            f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items()
        )
        headers = {
            "Tus-Resumable": TUS_VERSION,
            "Upload-Length": str(size),
            "Upload-Metadata": metadata,
        }
        response = self._request("POST", f"{API}/uploads", headers=headers)
        if response.status_code != 201:
            self._fail(response, f"upload {attachment_id} POST")
        _require_length(response, path, size)
        if "Upload-Offset" in response.headers:
            return _offset_header(response, "upload POST")
        offset = self._upload_offset(path, size)
        if offset is None:
            raise LinkDown(f"upload {attachment_id}: created but then unknown to the platform")
        return offset

    def _upload_offset(self, path: str, size: int) -> int | None:
        """The platform's offset for an upload (HEAD), or None when it does not know it."""
        response = self._request("HEAD", path, headers={"Tus-Resumable": TUS_VERSION})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            self._fail(response, "upload HEAD")
        _require_length(response, path, size)
        return _offset_header(response, "upload HEAD")

    # -- plumbing ------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> httpx.Response:
        """Send one request (signed unless told not to); retried once at once on clock_skew."""
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
                problem = transport_problem(exc, self.base_url)
                raise LinkDown(f"{method} {self.base_url}{path}: {problem}") from exc
            self._note_date(response)
            if (
                attempt == 1
                and response.status_code == 401
                and self._error(response)[0] == "clock_skew"
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
    def _error(response: httpx.Response) -> tuple[str | None, str]:
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

    def _fail(self, response: httpx.Response, what: str) -> NoReturn:
        status = response.status_code
        code, message = self._error(response)
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
    def _json(response: httpx.Response, what: str) -> dict[str, Any]:
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


def _require_length(response: httpx.Response, path: str, size: int) -> None:
    """Refuse an upload the platform holds with another length than the file's."""
    length = response.headers.get("Upload-Length")
    if length is not None and length != str(size):
        raise PlatformError(
            409,
            "upload_mismatch",
            f"{path}: the platform holds an upload of {length} bytes, not {size}",
        )


def _offset_header(response: httpx.Response, what: str) -> int:
    value = response.headers.get("Upload-Offset", "")
    if not value.isdigit():
        raise LinkDown(f"{what}: no valid Upload-Offset in the answer", response.status_code)
    return int(value)
