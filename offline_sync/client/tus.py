"""Attachments through tus 1.0.0 (contract section 4), resuming from the platform's offset."""

from __future__ import annotations

import base64
import hashlib

import httpx

from offline_sync.client.errors import LinkDown, PlatformError, TooLarge
from offline_sync.client.signed import SignedHttp
from offline_sync.contract.protocol import (
    API_PREFIX,
    MAX_CHUNK_BYTES,
    MAX_UPLOAD_BYTES,
    TUS_VERSION,
)

_STUCK_LIMIT = 5
_CHUNK_RETRIES = 3


class TusUploader:
    """Uploads for one device; remembers which were cut, to ask for their offset first."""

    def __init__(self, http: SignedHttp) -> None:
        self._http = http
        self._tus_max_size: int | None = None
        self._interrupted: set[str] = set()

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
        path = f"{API_PREFIX}/uploads/{attachment_id}"
        meta = (attachment_id, case_id, sha256_hex, media_type, len(data))
        offset = None
        if attachment_id in self._interrupted:
            offset = self._upload_offset(path, len(data))
        self._interrupted.add(attachment_id)
        if offset is None:
            offset = self._create_upload(path, *meta)
        stuck = chunk_failures = 0
        while offset < len(data):
            chunk = data[offset : offset + MAX_CHUNK_BYTES]
            digest = base64.b64encode(hashlib.sha256(chunk).digest()).decode()
            headers = {
                "Tus-Resumable": TUS_VERSION,
                "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(offset),
                "Upload-Checksum": f"sha256 {digest}",
            }
            response = self._http.send("PATCH", path, body=chunk, headers=headers)
            status = response.status_code
            if status == 204:
                previous, offset = offset, _offset_header(response, "upload PATCH")
                chunk_failures = 0
                if offset <= previous:
                    stuck += 1
                    if stuck > _STUCK_LIMIT:
                        raise LinkDown(f"upload {attachment_id}: the offset does not advance", 204)
                continue
            if status == 460 and self._http.error_of(response)[0] == "file_checksum_mismatch":
                self._http.fail(response, f"upload {attachment_id}")
            if status == 460:
                chunk_failures += 1
                if chunk_failures >= _CHUNK_RETRIES:
                    raise LinkDown(
                        f"upload {attachment_id}: chunk checksum rejected {chunk_failures} times"
                    )
                continue
            if status not in (404, 409):
                self._http.fail(response, f"upload {attachment_id}")
            stuck += 1
            if stuck > _STUCK_LIMIT:
                self._http.fail(response, f"upload {attachment_id}")
            offset = self._upload_offset(path, len(data))
            if offset is None:
                offset = self._create_upload(path, *meta)
        self._interrupted.discard(attachment_id)

    def _max_upload_size(self) -> int:
        if self._tus_max_size is None:
            response = self._http.send(
                "OPTIONS", f"{API_PREFIX}/uploads", headers={"Tus-Resumable": TUS_VERSION}
            )
            if response.status_code not in (200, 204):
                self._http.fail(response, "upload OPTIONS")
            versions = response.headers.get("Tus-Version", "")
            if TUS_VERSION not in [v.strip() for v in versions.split(",")]:
                raise LinkDown(
                    f"upload OPTIONS: not a tus {TUS_VERSION} server (Tus-Version {versions!r})"
                )
            try:
                self._tus_max_size = int(
                    response.headers.get("Tus-Max-Size", str(MAX_UPLOAD_BYTES))
                )
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
        response = self._http.send("POST", f"{API_PREFIX}/uploads", headers=headers)
        if response.status_code != 201:
            self._http.fail(response, f"upload {attachment_id} POST")
        _require_length(response, path, size)
        if "Upload-Offset" in response.headers:
            return _offset_header(response, "upload POST")
        offset = self._upload_offset(path, size)
        if offset is None:
            raise LinkDown(f"upload {attachment_id}: created but then unknown to the platform")
        return offset

    def _upload_offset(self, path: str, size: int) -> int | None:
        """The platform's offset for an upload (HEAD), or None when it does not know it."""
        response = self._http.send("HEAD", path, headers={"Tus-Resumable": TUS_VERSION})
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            self._http.fail(response, "upload HEAD")
        _require_length(response, path, size)
        return _offset_header(response, "upload HEAD")


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
