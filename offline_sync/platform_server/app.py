"""The reference platform's HTTP interface (starlette): contract v1, sections 1 to 5.

Each endpoint checks the device's signature from the headers before it reads a byte of
the body, reads the body within the contract's limits and holds it to the signed digest,
and hands the work to :class:`PlatformService`, which keeps each device to its own cases
and uploads. Every answer carries a
``Date`` from the platform's clock; every error has the contract's error body.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC
from email.utils import format_datetime

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from offline_sync.contract.protocol import (
    API_PREFIX,
    DEFAULT_PULL_LIMIT,
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    MAX_CHUNK_BYTES,
    MAX_PULL_LIMIT,
    MAX_UPLOAD_BYTES,
    TUS_VERSION,
)
from offline_sync.platform_server.api_errors import EXCEPTION_HANDLERS, ApiError
from offline_sync.platform_server.auth import authenticate, check_body
from offline_sync.platform_server.feed import CursorUnknown
from offline_sync.platform_server.reading import (
    check_chunk_digest,
    decode_body,
    parse_json,
    read_body,
    require_tus,
    upload_metadata,
)
from offline_sync.platform_server.service import PlatformService
from offline_sync.platform_server.uploads import (
    ExceedsLength,
    FileChecksumMismatch,
    OffsetMismatch,
    UploadConflict,
    UploadUnknown,
)

log = logging.getLogger(__name__)

_TUS_OPTIONS = {
    "Tus-Resumable": TUS_VERSION,
    "Tus-Version": TUS_VERSION,
    "Tus-Extension": "creation,checksum",
    "Tus-Checksum-Algorithm": "sha256",
    "Tus-Max-Size": str(MAX_UPLOAD_BYTES),
}


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
        exception_handlers=EXCEPTION_HANDLERS,
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
        device_id = authenticate(self.service, request)
        body = await read_body(request, MAX_BATCH_BYTES + 64 * 1024)
        check_body(request, body)
        payload = decode_body(request, body, MAX_BATCH_BYTES)
        data = parse_json(payload)
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
        device_id = authenticate(self.service, request)
        check_body(request, await read_body(request, MAX_BATCH_BYTES))
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
        device_id = authenticate(self.service, request)
        check_body(request, await read_body(request, MAX_CHUNK_BYTES))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=_TUS_OPTIONS)
        require_tus(request)
        length_text = request.headers.get("Upload-Length", "")
        if not length_text.isdigit():
            raise ApiError(400, "bad_request", "Upload-Length: expected a whole number of bytes")
        length = int(length_text)
        if length > MAX_UPLOAD_BYTES:
            raise ApiError(
                413, "too_large", f"Upload-Length {length} is over Tus-Max-Size {MAX_UPLOAD_BYTES}"
            )
        meta = upload_metadata(request.headers.get("Upload-Metadata", ""))
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
        except UploadUnknown:  # another device's: as if it did not exist
            raise ApiError(
                409, "upload_conflict", f"attachment {meta['attachment_id']} is taken"
            ) from None
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
        device_id = authenticate(self.service, request)
        body = await read_body(request, MAX_CHUNK_BYTES + 64 * 1024)
        check_body(request, body)
        require_tus(request)
        state = self.service.upload_state(attachment_id, device_id=device_id)
        if state is None:  # none, or another device's: the same answer
            raise ApiError(404, "not_found", f"no upload {attachment_id}")
        if request.method == "HEAD":
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
        chunk = decode_body(request, body, MAX_CHUNK_BYTES)
        check_chunk_digest(request.headers.get("Upload-Checksum", ""), chunk)
        try:
            offset = self.service.append_chunk(
                attachment_id, int(offset_text), chunk, device_id=device_id
            )
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
