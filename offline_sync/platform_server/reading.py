"""Reading requests within the contract's limits: bodies, gzip, JSON, tus headers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from typing import Any

from starlette.requests import ClientDisconnect, Request

from offline_sync.contract.protocol import TUS_VERSION
from offline_sync.platform_server.api_errors import ApiError
from offline_sync.platform_server.validation import is_uuid

_DRAIN_BYTES = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


async def read_body(request: Request, limit: int) -> bytes:
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


def decode_body(request: Request, body: bytes, limit: int) -> bytes:
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


def parse_json(payload: bytes) -> Any:
    """The JSON value of a body; 400 for anything that is not JSON (NaN included)."""
    try:
        return json.loads(payload, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_request", f"the body is not JSON: {exc}") from None


def _not_json(constant: str) -> None:
    raise ValueError(f"{constant} is not a JSON value")


def require_tus(request: Request) -> None:
    """412 unless the request speaks tus 1.0.0."""
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        raise ApiError(
            412,
            "tus_version",
            f"Tus-Resumable must be {TUS_VERSION}",
            headers={"Tus-Version": TUS_VERSION},
        )


def upload_metadata(header: str) -> dict[str, str]:
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


def check_chunk_digest(header: str, chunk: bytes) -> None:
    """460 unless ``Upload-Checksum`` is the chunk's sha256."""
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
