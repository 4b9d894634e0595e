"""The reference platform's HTTP interface (starlette): contract v1, sections 1 to 5.

Each endpoint reads its body within the contract's limits, checks the device's
signature, and hands the work to :class:`PlatformService`. Every answer carries a
``Date`` from the platform's clock; every error has the contract's error body.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import zlib
from collections import Counter
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offline_sync.contract.protocol import (
    API_PREFIX,
    CLOCK_SKEW_S,
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    MAX_CHUNK_BYTES,
    MAX_PULL_LIMIT,
    MAX_UPLOAD_BYTES,
    TUS_VERSION,
)
from offline_sync.platform_server.service import (
    CursorUnknown,
    ExceedsLength,
    FileChecksumMismatch,
    OffsetMismatch,
    PlatformService,
    UploadConflict,
    UploadUnknown,
)
from offline_sync.platform_server.validation import is_uuid
from offline_sync.signing import (
    HEADER_CONTENT_SM3,
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    is_nonce,
    signature,
    signature_matches,
)
from offline_sync.sm3 import sm3_hex

log = logging.getLogger(__name__)

_DRAIN_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TUS_OPTIONS = {
    "Tus-Resumable": TUS_VERSION,
    "Tus-Version": TUS_VERSION,
    "Tus-Extension": "creation,checksum",
    "Tus-Checksum-Algorithm": "sha256",
    "Tus-Max-Size": str(MAX_UPLOAD_BYTES),
}


class ApiError(Exception):
    """An answer with the contract's error body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def create_app(service: PlatformService) -> ASGIApp:
    """The ASGI application of the reference platform over ``service``."""
    api = _Api(service)
    routes = [
        Route(f"{API_PREFIX}/ping", api.ping, methods=["GET"]),
        Route(f"{API_PREFIX}/records", api.records, methods=["POST"]),
        Route(f"{API_PREFIX}/changes", api.changes, methods=["GET"]),
        Route(f"{API_PREFIX}/uploads", api.uploads, methods=["OPTIONS", "POST"]),
        Route(f"{API_PREFIX}/uploads/{{attachment_id}}", api.upload, methods=["HEAD", "PATCH"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(GZipMiddleware, minimum_size=500, compresslevel=6)],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _internal_error,
        },
    )
    return _DateHeader(app, service)


class _DateHeader:
    """Outermost middleware: a ``Date`` from the platform's clock on every answer."""

    def __init__(self, app: ASGIApp, service: PlatformService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = self.service.clock.now().astimezone(UTC)
                date = format_datetime(now, usegmt=True).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        await self.app(scope, receive, send_with_date)


class _Api:
    def __init__(self, service: PlatformService) -> None:
        self.service = service

    async def ping(self, request: Request) -> Response:
        now = self.service.clock.now()
        return JSONResponse(
            {
                "service": "provincial-platform",
                "api": "v1",
                "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )

    async def records(self, request: Request) -> Response:
        body = await _read_body(request, MAX_BATCH_BYTES + 64 * 1024)
        device_id = self._authenticate(request, body)
        payload = _decode(request, body, MAX_BATCH_BYTES)
        try:
            data = json.loads(payload, parse_constant=_not_json)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "bad_request", f"the body is not JSON: {exc}") from None
        records = data.get("records") if isinstance(data, dict) else None
        if not isinstance(records, list):
            raise ApiError(400, "bad_request", 'the body must be {"records": [...]}')
        if len(records) > MAX_BATCH_RECORDS:
            raise ApiError(
                413,
                "too_large",
                f"{len(records)} records; at most {MAX_BATCH_RECORDS} in one batch",
            )
        results = self.service.store_records(device_id, records)
        log.info(
            "device %s pushed %d records: %s",
            device_id,
            len(records),
            dict(Counter(r["status"] for r in results)),
        )
        return JSONResponse({"results": results})

    async def changes(self, request: Request) -> Response:
        device_id = self._authenticate(request, await _read_body(request, MAX_BATCH_BYTES))
        limit_text = request.query_params.get("limit", str(DEFAULT_PULL_LIMIT))
        if not limit_text.isdigit() or int(limit_text) < 1:
            raise ApiError(
                400,
                "bad_request",
                f"limit {limit_text!r}: expected a whole number from 1 to {MAX_PULL_LIMIT}",
            )
        cursor = request.query_params.get("cursor") or None
        try:
            changes, cursor, has_more = self.service.changes(
                device_id, cursor, min(int(limit_text), MAX_PULL_LIMIT)
            )
        except CursorUnknown:
            raise ApiError(
                410, "cursor_expired", "the cursor is no longer known; pull from the beginning"
            ) from None
        return JSONResponse({"changes": changes, "cursor": cursor, "has_more": has_more})

    async def uploads(self, request: Request) -> Response:
        body = await _read_body(request, MAX_CHUNK_BYTES)
        device_id = self._authenticate(request, body)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=_TUS_OPTIONS)
        _require_tus(request)
        length_text = request.headers.get("Upload-Length", "")
        if not length_text.isdigit():
            raise ApiError(400, "bad_request", "Upload-Length: expected a whole number of bytes")
        length = int(length_text)
        if length > MAX_UPLOAD_BYTES:
            raise ApiError(
                413, "too_large", f"Upload-Length {length} is over Tus-Max-Size {MAX_UPLOAD_BYTES}"
            )
        meta = _metadata(request.headers.get("Upload-Metadata", ""))
        try:
            offset = self.service.create_upload(
                device_id,
                meta["attachment_id"],
                meta["case_id"],
                length,
                meta["sha256"],
                meta["media_type"],
            )
        except UploadConflict as exc:
            raise ApiError(409, "upload_conflict", str(exc)) from None
        location = f"{API_PREFIX}/uploads/{meta['attachment_id']}"
        return Response(
            status_code=201,
            headers={
                "Location": location,
                "Upload-Offset": str(offset),
                "Upload-Length": str(length),
                "Tus-Resumable": TUS_VERSION,
            },
        )

    async def upload(self, request: Request) -> Response:
        attachment_id = request.path_params["attachment_id"]
        body = await _read_body(request, MAX_CHUNK_BYTES + 64 * 1024)
        self._authenticate(request, body)
        _require_tus(request)
        if request.method == "HEAD":
            state = self.service.upload_state(attachment_id)
            if state is None:
                raise ApiError(404, "not_found", f"no upload {attachment_id}")
            offset, length = state
            headers = {
                "Upload-Offset": str(offset),
                "Upload-Length": str(length),
                "Cache-Control": "no-store",
                "Tus-Resumable": TUS_VERSION,
            }
            return Response(status_code=200, headers=headers)
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            raise ApiError(
                415,
                "unsupported_media_type",
                "Content-Type must be application/offset+octet-stream",
            )
        offset_text = request.headers.get("Upload-Offset", "")
        if not offset_text.isdigit():
            raise ApiError(400, "bad_request", "Upload-Offset: expected a whole number")
        chunk = _decode(request, body, MAX_CHUNK_BYTES)
        _check_chunk_digest(request.headers.get("Upload-Checksum", ""), chunk)
        try:
            offset = self.service.append_chunk(attachment_id, int(offset_text), chunk)
        except UploadUnknown:
            raise ApiError(404, "not_found", f"no upload {attachment_id}") from None
        except OffsetMismatch as exc:
            raise ApiError(
                409, "offset_mismatch", f"the upload is at offset {exc.offset}"
            ) from None
        except ExceedsLength as exc:
            raise ApiError(400, "exceeds_length", str(exc)) from None
        except FileChecksumMismatch as exc:
            raise ApiError(460, "file_checksum_mismatch", str(exc)) from None
        return Response(
            status_code=204, headers={"Upload-Offset": str(offset), "Tus-Resumable": TUS_VERSION}
        )

    def _authenticate(self, request: Request, body: bytes) -> str:
        """The device id of a correctly signed request; ApiError 401 otherwise (503 in maintenance)."""
        retry_after = self.service.maintenance()
        if retry_after is not None:
            raise ApiError(
                503,
                "maintenance",
                "the platform is under maintenance",
                headers={"Retry-After": str(retry_after)},
            )
        headers = request.headers
        device_id = headers.get(HEADER_DEVICE, "")
        key = self.service.device_key(device_id) if device_id else None
        if key is None:
            raise ApiError(
                401, "unknown_device", f"device {device_id!r} is not enrolled or is disabled"
            )
        stamp, nonce = headers.get(HEADER_TIMESTAMP, ""), headers.get(HEADER_NONCE, "")
        digest, given = headers.get(HEADER_CONTENT_SM3, ""), headers.get(HEADER_SIGNATURE, "")
        if not signature_matches(sm3_hex(body), digest):
            raise ApiError(401, "bad_signature", f"{HEADER_CONTENT_SM3} does not match the body")
        target = request.scope["raw_path"].decode("latin-1")
        if request.scope.get("query_string"):
            target += "?" + request.scope["query_string"].decode("latin-1")
        expected = signature(key, request.method, target, stamp, nonce, digest)
        if not stamp.isdigit() or not is_nonce(nonce) or not signature_matches(expected, given):
            raise ApiError(401, "bad_signature", "the signature does not match")
        skew = int(stamp) - self.service.clock.now().timestamp()
        if abs(skew) > CLOCK_SKEW_S:
            raise ApiError(
                401, "clock_skew", f"the timestamp is {skew:+.0f} s from the platform's clock"
            )
        if not self.service.use_nonce(device_id, nonce):
            raise ApiError(401, "replayed_nonce", "this nonce was already used")
        return device_id


async def _read_body(request: Request, limit: int) -> bytes:
    """The raw body; 413 past ``limit`` (read to the end first, so the client sees the answer)."""
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > _DRAIN_BYTES:
        raise ApiError(413, "too_large", f"the body is {declared} bytes; at most {limit}")
    parts, size = [], 0
    try:
        async for part in request.stream():
            size += len(part)
            if size <= limit:
                parts.append(part)
            elif size > _DRAIN_BYTES:
                break
    except ClientDisconnect:
        raise ApiError(400, "client_disconnected", "the connection closed mid-request") from None
    if size > limit:
        raise ApiError(413, "too_large", f"the body is over {limit} bytes")
    return b"".join(parts)


def _decode(request: Request, body: bytes, limit: int) -> bytes:
    """The body after ``Content-Encoding``; 413 when it is over ``limit`` uncompressed."""
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding == "identity":
        data = body
    elif encoding == "gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(body, limit + 1)
        except zlib.error as exc:
            raise ApiError(400, "bad_request", f"the gzip body is corrupt: {exc}") from None
        if len(data) <= limit and not inflater.eof:
            raise ApiError(400, "bad_request", "the gzip body is truncated")
    else:
        raise ApiError(
            415, "unsupported_encoding", f"Content-Encoding {encoding!r}: use gzip or none"
        )
    if len(data) > limit:
        raise ApiError(413, "too_large", f"the body is over {limit} bytes before compression")
    return data


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON value")


def _require_tus(request: Request) -> None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(
            412,
            "tus_version",
            f"Tus-Resumable must be {TUS_VERSION}",
            headers={"Tus-Version": TUS_VERSION},
        )


def _metadata(header: str) -> dict[str, str]:
    """The four Upload-Metadata values the contract requires, checked."""
    values: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(
                400, "bad_request", f"Upload-Metadata {key}: not base64 of UTF-8 text"
            ) from None
    for key in ("attachment_id", "case_id"):
        if not is_uuid(values.get(key)):
            raise ApiError(400, "bad_request", f"Upload-Metadata {key}: expected a UUID")
    if not _SHA256.match(values.get("sha256", "")):
        raise ApiError(
            400, "bad_request", "Upload-Metadata sha256: expected 64 lower-case hex characters"
        )
    if "/" not in values.get("media_type", ""):
        raise ApiError(400, "bad_request", "Upload-Metadata media_type: expected a media type")
    return values


def _check_chunk_digest(header: str, chunk: bytes) -> None:
    algorithm, _, encoded = header.partition(" ")
    if algorithm != "sha256":
        raise ApiError(400, "bad_request", "Upload-Checksum: expected 'sha256 <base64 digest>'")
    try:
        given = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise ApiError(400, "bad_request", "Upload-Checksum: the digest is not base64") from None
    if given != hashlib.sha256(chunk).digest():
        raise ApiError(
            460, "checksum_mismatch", "the chunk's sha256 differs; the chunk was discarded"
        )


def _error_response(
    request: Request, status: int, code: str, message: str, headers: dict[str, str]
) -> Response:
    if request.url.path.startswith(f"{API_PREFIX}/uploads"):
        headers = {"Tus-Resumable": TUS_VERSION, **headers}
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(request, exc.status, exc.code, exc.message, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return _error_response(request, exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return _error_response(
        request, 500, "internal", f"the platform failed: {type(exc).__name__}", {}
    )
