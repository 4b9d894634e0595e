"""tus uploads over real HTTP: creation, chunks of at most 1 MiB with checksums,
resume from the platform's offset after a cut, 409/460/413 and the whole-file check."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import socket
import struct
import threading
import uuid

import httpx
import pytest

from offline_sync.client import LinkDown, PlatformError, TooLarge
from offline_sync.contract.protocol import MAX_CHUNK_BYTES as CHUNK_BYTES
from tests import platform_fixtures

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform

TUS = {"Tus-Resumable": "1.0.0"}


def _metadata(attachment_id: str, sha256: str, case_id: str | None = None) -> str:
    values = {
        "attachment_id": attachment_id,
        "case_id": case_id or str(uuid.uuid4()),
        "sha256": sha256,
        "media_type": "image/jpeg",
    }
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _create(platform, data: bytes, sha256: str | None = None) -> str:
    attachment_id = str(uuid.uuid4())
    headers = TUS | {
        "Upload-Length": str(len(data)),
        "Upload-Metadata": _metadata(attachment_id, sha256 or hashlib.sha256(data).hexdigest()),
    }
    response = platform.signed("POST", "/api/v1/uploads", headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == f"/api/v1/uploads/{attachment_id}"
    return attachment_id


def _patch(
    platform, attachment_id: str, offset: int, chunk: bytes, digest: bytes | None = None
) -> httpx.Response:
    checksum = base64.b64encode(digest or hashlib.sha256(chunk).digest()).decode()
    headers = TUS | {
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
        "Upload-Checksum": f"sha256 {checksum}",
    }
    return platform.signed("PATCH", f"/api/v1/uploads/{attachment_id}", chunk, headers)


def _offset(platform, attachment_id: str) -> int:
    response = platform.signed("HEAD", f"/api/v1/uploads/{attachment_id}", headers=TUS)
    assert response.headers["Cache-Control"] == "no-store"
    return int(response.headers["Upload-Offset"])


class Recorder(httpx.BaseTransport):
    """Passes requests on and logs (method, Upload-Offset); can cut one PATCH.

    ``cut_patch=n`` breaks the n-th PATCH: ``cut_after`` decides whether the platform
    got it first (the answer is lost) or not (the request is lost).
    """

    def __init__(self, cut_patch: int | None = None, cut_after: bool = True) -> None:
        self.inner = httpx.HTTPTransport()
        self.log: list[tuple[str, str | None]] = []
        self.cut_patch = cut_patch
        self.cut_after = cut_after
        self.patches = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.log.append((request.method, request.headers.get("Upload-Offset")))
        if request.method == "PATCH":
            self.patches += 1
            if self.patches == self.cut_patch:
                if self.cut_after:
                    self.inner.handle_request(request).read()
                raise httpx.ReadError("connection reset by peer")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_options_tells_the_tus_capabilities(platform):
    response = platform.signed("OPTIONS", "/api/v1/uploads", headers=TUS)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert response.headers["Tus-Extension"] == "creation,checksum"
    assert response.headers["Tus-Checksum-Algorithm"] == "sha256"
    assert response.headers["Tus-Max-Size"] == "20971520"


def test_the_client_uploads_in_chunks_of_at_most_1_mib(platform):
    data = os.urandom(2 * CHUNK_BYTES + 12345)
    attachment_id, digest = str(uuid.uuid4()), hashlib.sha256(data).hexdigest()
    recorder = Recorder()
    with platform.client(transport=recorder) as client:
        client.upload(attachment_id, str(uuid.uuid4()), data, digest, "image/jpeg")
    assert platform.service.attachment_data(attachment_id) == data
    assert recorder.log == [
        ("OPTIONS", None),
        ("POST", None),
        ("PATCH", "0"),
        ("PATCH", str(CHUNK_BYTES)),
        ("PATCH", str(2 * CHUNK_BYTES)),
    ]


@pytest.mark.parametrize("cut_after", [True, False], ids=["answer-lost", "request-lost"])
def test_after_a_cut_mid_upload_the_client_asks_head_first_and_sends_only_the_rest(
    platform, cut_after
):
    data = os.urandom(3 * CHUNK_BYTES + 777)
    attachment_id, digest, case_id = (
        str(uuid.uuid4()),
        hashlib.sha256(data).hexdigest(),
        str(uuid.uuid4()),
    )
    recorder = Recorder(cut_patch=2, cut_after=cut_after)
    with platform.client(transport=recorder) as client:
        with pytest.raises(LinkDown, match="ReadError"):
            client.upload(attachment_id, case_id, data, digest, "image/jpeg")
        held = 2 * CHUNK_BYTES if cut_after else CHUNK_BYTES
        assert _offset(platform, attachment_id) == held
        assert platform.service.attachment_data(attachment_id) is None
        del recorder.log[:]
        client.upload(attachment_id, case_id, data, digest, "image/jpeg")
    assert recorder.log[0] == ("HEAD", None)
    assert [offset for method, offset in recorder.log if method == "PATCH"][0] == str(held)
    assert ("POST", None) not in recorder.log
    assert platform.service.attachment_data(attachment_id) == data


def test_a_new_client_after_a_crash_resumes_from_the_platform_offset(platform):
    data = os.urandom(2 * CHUNK_BYTES + 1)
    attachment_id, digest, case_id = (
        str(uuid.uuid4()),
        hashlib.sha256(data).hexdigest(),
        str(uuid.uuid4()),
    )
    with (
        platform.client(transport=Recorder(cut_patch=2, cut_after=False)) as client,
        pytest.raises(LinkDown),
    ):
        client.upload(attachment_id, case_id, data, digest, "image/jpeg")
    recorder = Recorder()
    with platform.client(transport=recorder) as fresh:
        fresh.upload(attachment_id, case_id, data, digest, "image/jpeg")
    patches = [offset for method, offset in recorder.log if method == "PATCH"]
    assert patches == [str(CHUNK_BYTES), str(2 * CHUNK_BYTES)]
    assert platform.service.attachment_data(attachment_id) == data


def test_an_upload_the_platform_already_holds_sends_no_bytes(platform):
    data = b"tiny scan"
    attachment_id, digest = str(uuid.uuid4()), hashlib.sha256(data).hexdigest()
    with platform.client() as client:
        client.upload(attachment_id, str(uuid.uuid4()), data, digest, "image/png")
    recorder = Recorder()
    with platform.client(transport=recorder) as client:
        client.upload(attachment_id, str(uuid.uuid4()), data, digest, "image/png")
    assert [m for m, _ in recorder.log] == ["OPTIONS", "POST"]


def test_creating_an_existing_upload_answers_the_same_location(platform):
    data = b"x" * 100
    attachment_id = _create(platform, data)
    assert _patch(platform, attachment_id, 0, data[:40]).status_code == 204
    headers = TUS | {
        "Upload-Length": "100",
        "Upload-Metadata": _metadata(attachment_id, hashlib.sha256(data).hexdigest()),
    }
    again = platform.signed("POST", "/api/v1/uploads", headers=headers)
    assert again.status_code == 201
    assert again.headers["Location"] == f"/api/v1/uploads/{attachment_id}"
    assert _offset(platform, attachment_id) == 40


def test_a_wrong_chunk_checksum_is_460_and_the_chunk_is_discarded(platform):
    data = b"a" * 1000
    attachment_id = _create(platform, data)
    response = _patch(
        platform, attachment_id, 0, data[:500], digest=hashlib.sha256(b"other").digest()
    )
    assert response.status_code == 460
    assert response.json()["error"]["code"] == "checksum_mismatch"
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert _offset(platform, attachment_id) == 0


def test_a_whole_file_mismatch_is_460_and_starts_the_upload_again(platform):
    data = b"b" * 3000
    attachment_id = _create(platform, data, sha256=hashlib.sha256(b"something else").hexdigest())
    assert _patch(platform, attachment_id, 0, data[:2000]).status_code == 204
    response = _patch(platform, attachment_id, 2000, data[2000:])
    assert response.status_code == 460
    assert response.json()["error"]["code"] == "file_checksum_mismatch"
    assert _offset(platform, attachment_id) == 0
    assert platform.service.attachment_data(attachment_id) is None


def test_the_client_reports_a_whole_file_mismatch(platform):
    data = b"c" * 500
    attachment_id = str(uuid.uuid4())

    class WrongDeclaration(Recorder):
        """Declares another file's sha256 when creating the upload."""

        def handle_request(self, request):
            if request.method == "POST":
                wrong = hashlib.sha256(b"declared").hexdigest()
                request.headers["Upload-Metadata"] = _metadata(attachment_id, wrong)
            return super().handle_request(request)

    with (
        platform.client(transport=WrongDeclaration()) as client,
        pytest.raises(PlatformError) as caught,
    ):
        client.upload(
            attachment_id, str(uuid.uuid4()), data, hashlib.sha256(data).hexdigest(), "image/jpeg"
        )
    assert (caught.value.status, caught.value.code) == (460, "file_checksum_mismatch")
    assert _offset(platform, attachment_id) == 0


def test_a_chunk_at_the_wrong_offset_is_409(platform):
    data = b"d" * 100
    attachment_id = _create(platform, data)
    response = _patch(platform, attachment_id, 50, data[50:])
    assert response.status_code == 409 and response.json()["error"]["code"] == "offset_mismatch"


def test_the_client_resyncs_after_409(platform):
    data = os.urandom(CHUNK_BYTES + 10)
    attachment_id = _create(platform, data)

    class Racer(Recorder):
        """Another sender gets the first chunk in just before the client's first PATCH."""

        def handle_request(self, request):
            if request.method == "PATCH" and not self.patches:
                assert _patch(platform, attachment_id, 0, data[:CHUNK_BYTES]).status_code == 204
            return super().handle_request(request)

    recorder = Racer()
    with platform.client(transport=recorder) as client:
        client.upload(
            attachment_id, str(uuid.uuid4()), data, hashlib.sha256(data).hexdigest(), "image/jpeg"
        )
    assert platform.service.attachment_data(attachment_id) == data
    assert recorder.log == [
        ("OPTIONS", None),
        ("POST", None),
        ("PATCH", "0"),
        ("HEAD", None),
        ("PATCH", str(CHUNK_BYTES)),
    ]


def test_sizes_over_the_limits_are_413(platform):
    over = TUS | {
        "Upload-Length": str(20 * 1024 * 1024 + 1),
        "Upload-Metadata": _metadata(str(uuid.uuid4()), "0" * 64),
    }
    response = platform.signed("POST", "/api/v1/uploads", headers=over)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    attachment_id = _create(platform, b"e" * (2 * CHUNK_BYTES))
    big_chunk = b"e" * (CHUNK_BYTES + 1)
    assert _patch(platform, attachment_id, 0, big_chunk).status_code == 413
    recorder = Recorder()
    data = b"\0" * (20 * 1024 * 1024 + 1)
    with platform.client(transport=recorder) as client, pytest.raises(TooLarge):
        client.upload(
            str(uuid.uuid4()),
            str(uuid.uuid4()),
            data,
            hashlib.sha256(data).hexdigest(),
            "image/jpeg",
        )
    assert [m for m, _ in recorder.log] == ["OPTIONS"]


def test_protocol_errors(platform):
    unknown = platform.signed("HEAD", f"/api/v1/uploads/{uuid.uuid4()}", headers=TUS)
    assert unknown.status_code == 404
    attachment_id = _create(platform, b"f" * 10)
    no_tus = platform.signed("HEAD", f"/api/v1/uploads/{attachment_id}")
    assert no_tus.status_code == 412 and no_tus.headers["Tus-Version"] == "1.0.0"
    wrong_type = platform.signed(
        "PATCH",
        f"/api/v1/uploads/{attachment_id}",
        b"f" * 10,
        TUS
        | {"Content-Type": "application/json", "Upload-Offset": "0", "Upload-Checksum": "sha256 x"},
    )
    assert wrong_type.status_code == 415
    bad_meta = platform.signed(
        "POST",
        "/api/v1/uploads",
        headers=TUS | {"Upload-Length": "1", "Upload-Metadata": "case_id eA=="},
    )
    assert bad_meta.status_code == 400 and "attachment_id" in bad_meta.json()["error"]["message"]
    unsigned = httpx.options(platform.url + "/api/v1/uploads", headers=TUS)
    assert unsigned.status_code == 401


def test_the_client_refuses_data_that_does_not_match_its_digest(platform):
    with platform.client() as client, pytest.raises(ValueError, match="sha256"):
        client.upload(str(uuid.uuid4()), str(uuid.uuid4()), b"data", "0" * 64, "image/jpeg")


def test_a_gzip_chunk_is_stored_decompressed(platform):
    import gzip

    data = b"g" * 5000
    attachment_id = _create(platform, data)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    headers = TUS | {
        "Content-Type": "application/offset+octet-stream",
        "Content-Encoding": "gzip",
        "Upload-Offset": "0",
        "Upload-Checksum": f"sha256 {digest}",
    }
    response = platform.signed(
        "PATCH", f"/api/v1/uploads/{attachment_id}", gzip.compress(data), headers
    )
    assert response.status_code == 204 and response.headers["Upload-Offset"] == "5000"
    assert platform.service.attachment_data(attachment_id) == data


def test_declaring_an_unfinished_upload_again_differently_starts_it_again(platform):
    old, new = b"h" * 300, b"i" * 200
    attachment_id = _create(platform, old)
    assert _patch(platform, attachment_id, 0, old[:100]).status_code == 204
    case_id = str(uuid.uuid4())
    with platform.client() as client:
        client.upload(attachment_id, case_id, new, hashlib.sha256(new).hexdigest(), "image/jpeg")
        assert platform.service.attachment_data(attachment_id) == new
        with pytest.raises(PlatformError) as caught:
            client.upload(
                attachment_id, case_id, old, hashlib.sha256(old).hexdigest(), "image/jpeg"
            )
    assert (caught.value.status, caught.value.code) == (409, "upload_conflict")


class CuttingProxy:
    """A TCP relay to the platform that resets the connection once, after ``cut_after``
    bytes have gone up (so mid-request); after that it relays everything."""

    def __init__(self, upstream_url: str, cut_after: int) -> None:
        self.upstream = ("127.0.0.1", int(upstream_url.rsplit(":", 1)[1]))
        self.cut_after = cut_after
        self.sent_up = 0
        self.cut = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            for src, dst, up in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pump, args=(src, dst, up), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, up: bool) -> None:
        try:
            while data := src.recv(65536):
                if up and not self.cut:
                    room = self.cut_after - self.sent_up
                    if len(data) > room:
                        self.cut = True
                        dst.sendall(data[:room])
                        for sock in (src, dst):  # then RST, as a dropped link looks to both sides
                            sock.setsockopt(
                                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                            )
                            sock.shutdown(socket.SHUT_RDWR)
                            sock.close()
                        return
                    self.sent_up += len(data)
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


def test_a_real_connection_reset_mid_patch_resumes_from_the_platform_offset(platform):
    data = os.urandom(2 * CHUNK_BYTES + 4321)
    attachment_id, digest, case_id = (
        str(uuid.uuid4()),
        hashlib.sha256(data).hexdigest(),
        str(uuid.uuid4()),
    )
    proxy = CuttingProxy(platform.url, cut_after=CHUNK_BYTES + CHUNK_BYTES // 2)
    client = platform_fixtures.RunningPlatform(
        proxy.url,
        platform.device_id,
        platform.device_secret,
        platform.service,
        platform.db_path,
        platform.http,
    ).client()
    try:
        with pytest.raises(LinkDown):
            client.upload(attachment_id, case_id, data, digest, "image/jpeg")
        assert proxy.cut
        assert _offset(platform, attachment_id) == CHUNK_BYTES
        client.upload(attachment_id, case_id, data, digest, "image/jpeg")
    finally:
        client.close()
        proxy.close()
    assert platform.service.attachment_data(attachment_id) == data
