"""Device authentication over real HTTP: every 401 code, clock skew correction, and
answers that are not the platform's (captive portal, proxy errors, closed port)."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from offline_sync.client import AuthRejected, LinkDown, PlatformClient, PlatformError, RetryLater
from offline_sync.signing import new_nonce, new_secret, secret_key, sign_headers
from tests import platform_fixtures
from tests.clocks import ManualClock

shared_platform = platform_fixtures.shared_platform
platform = platform_fixtures.platform
platform_server = platform_fixtures.platform_server

CHANGES = "/api/v1/changes?limit=1"


def _code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def test_ping_needs_no_credentials_and_answers_the_contract(platform):
    response = platform.http.get(platform.url + "/api/v1/ping")
    assert response.status_code == 200
    body = response.json()
    assert body["service"] == "provincial-platform" and body["api"] == "v1"
    assert datetime.fromisoformat(body["time"]).tzinfo is not None
    assert parsedate_to_datetime(response.headers["Date"]).tzinfo is not None
    with platform.client() as client:
        assert client.ping() is True


def test_a_correctly_signed_request_is_accepted(platform):
    response = platform.signed("GET", CHANGES)
    assert response.status_code == 200, response.text


def test_unsigned_and_unknown_devices_are_refused(platform):
    response = platform.http.get(platform.url + CHANGES)
    assert response.status_code == 401 and _code(response) == "unknown_device"
    assert "Date" in response.headers
    stranger = PlatformClient(platform.url, "511502-K-999999", new_secret(), ManualClock())
    with stranger, pytest.raises(AuthRejected) as caught:
        stranger.changes(None, 10)
    assert caught.value.code == "unknown_device"


def test_a_disabled_device_is_unknown(platform):
    platform.service.disable_device(platform.device_id)
    assert _code(platform.signed("GET", CHANGES)) == "unknown_device"
    platform.service.enroll(platform.device_id, platform.device_secret)
    assert platform.signed("GET", CHANGES).status_code == 200


def test_a_wrong_secret_is_a_bad_signature(platform):
    response = platform.signed("GET", CHANGES, secret=new_secret())
    assert response.status_code == 401 and _code(response) == "bad_signature"
    client = PlatformClient(platform.url, platform.device_id, new_secret(), ManualClock())
    with client, pytest.raises(AuthRejected) as caught:
        client.push([])
    assert caught.value.code == "bad_signature"


def test_a_body_that_differs_from_its_digest_is_a_bad_signature(platform):
    stamp = int(platform.service.clock.now().timestamp())
    good = platform.signed("POST", "/api/v1/records", b'{"records":[]}', timestamp=stamp)
    assert good.status_code == 200
    headers = sign_headers(
        platform.device_id,
        secret_key(platform.device_secret),
        "POST",
        "/api/v1/records",
        b'{"records":[]}',
        stamp,
    )
    tampered = platform.http.post(
        platform.url + "/api/v1/records", content=b'{"records":[{}]}', headers=headers
    )
    assert tampered.status_code == 401 and _code(tampered) == "bad_signature"


def test_the_query_is_part_of_what_is_signed(platform):
    stamp = int(platform.service.clock.now().timestamp())
    headers = sign_headers(
        platform.device_id,
        secret_key(platform.device_secret),
        "GET",
        "/api/v1/changes?limit=1",
        b"",
        stamp,
    )
    response = platform.http.get(platform.url + "/api/v1/changes?limit=2", headers=headers)
    assert response.status_code == 401 and _code(response) == "bad_signature"


@pytest.mark.parametrize(("offset_s", "status"), [(-299, 200), (299, 200), (-301, 401), (301, 401)])
def test_timestamps_more_than_300_s_off_are_clock_skew(platform, offset_s, status):
    stamp = int(platform.service.clock.now().timestamp()) + offset_s
    response = platform.signed("GET", CHANGES, timestamp=stamp)
    assert response.status_code == status
    if status == 401:
        assert _code(response) == "clock_skew"


def test_a_nonce_is_accepted_once(platform):
    nonce = new_nonce()
    assert platform.signed("GET", CHANGES, nonce=nonce).status_code == 200
    again = platform.signed("GET", CHANGES, nonce=nonce)
    assert again.status_code == 401 and _code(again) == "replayed_nonce"


class CountingTransport(httpx.BaseTransport):
    """Passes requests to the network and remembers each answer's status."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.statuses.append(response.status_code)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.mark.parametrize("hours", [-3, 5])
def test_the_client_corrects_a_device_clock_hours_off_and_retries_at_once(platform, hours):
    device_clock = ManualClock(datetime.now(UTC) + timedelta(hours=hours))
    transport = CountingTransport()
    with platform.client(device_clock, transport=transport) as client:
        page = client.changes(None, 5)
        assert page.changes
        assert transport.statuses == [401, 200]
        assert abs(client.clock_offset + hours * 3600) < 5
        client.changes(page.cursor, 5)
        assert transport.statuses == [401, 200, 200]


def test_the_offset_is_learnt_from_any_answer_even_ping(platform):
    device_clock = ManualClock(datetime.now(UTC) - timedelta(days=2))
    transport = CountingTransport()
    with platform.client(device_clock, transport=transport) as client:
        assert client.ping()
        client.push([])
    assert transport.statuses == [200, 200]


def _client_for(handler) -> PlatformClient:
    return PlatformClient(
        "http://platform.test",
        "511502-K-000001",
        new_secret(),
        ManualClock(),
        transport=httpx.MockTransport(handler),
    )


PORTAL = httpx.Response(
    200, headers={"Content-Type": "text/html"}, text="<html>请先登录 WiFi</html>"
)


@pytest.mark.parametrize(
    "answer",
    [
        PORTAL,
        httpx.Response(302, headers={"Location": "http://portal.test/login"}),
        httpx.Response(200, json={"hello": "world"}),
        httpx.Response(404, text="not found"),
        httpx.Response(500, json={"error": {"code": "internal", "message": "boom"}}),
        httpx.Response(502, text="Bad Gateway"),
    ],
    ids=["portal", "redirect", "other-json", "404-html", "500", "502"],
)
def test_answers_that_are_not_the_platform_mean_the_link_is_down(answer):
    with _client_for(lambda request: answer) as client:
        assert client.ping() is False
        with pytest.raises(LinkDown) as why:  # the sync's last error, for the technician
            client.check_ping()
        assert f"{client.base_url}/api/v1/ping" in str(why.value)
        with pytest.raises(LinkDown):
            client.push([{"kind": "case"}])
        with pytest.raises(LinkDown):
            client.changes(None, 10)


@pytest.mark.parametrize("status", [429, 503])
def test_busy_answers_say_when_to_retry(status):
    answer = httpx.Response(
        status, headers={"Retry-After": "7"}, json={"error": {"code": "busy", "message": "m"}}
    )
    with _client_for(lambda request: answer) as client, pytest.raises(RetryLater) as caught:
        client.push([])
    assert caught.value.retry_after_s == 7.0
    assert caught.value.status == status


def test_a_contract_error_that_is_not_special_keeps_its_code():
    answer = httpx.Response(400, json={"error": {"code": "bad_request", "message": "limit"}})
    with _client_for(lambda request: answer) as client, pytest.raises(PlatformError) as caught:
        client.changes(None, 10)
    assert (caught.value.status, caught.value.code) == (400, "bad_request")
    assert not isinstance(caught.value, LinkDown)


def test_a_closed_port_or_a_cut_answer_is_link_down():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = PlatformClient(
        f"http://127.0.0.1:{port}", "511502-K-000001", new_secret(), ManualClock(), timeout_s=2
    )
    with client:
        assert client.ping() is False
        with pytest.raises(LinkDown, match=f"127.0.0.1:{port}/api/v1/ping: ConnectError"):
            client.check_ping()
        with pytest.raises(LinkDown, match="ConnectError"):
            client.push([])

    def cut(request):
        raise httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body"
        )

    with _client_for(cut) as client, pytest.raises(LinkDown, match="RemoteProtocolError"):
        client.changes(None, 1)


def test_every_error_has_the_contract_body(platform):
    for response in (
        platform.http.get(platform.url + "/api/v1/nothing"),
        platform.http.delete(platform.url + "/api/v1/ping"),
        platform.signed("GET", "/api/v1/changes?limit=x"),
        platform.signed("POST", "/api/v1/records", b"not json"),
    ):
        error = json.loads(response.text)["error"]
        assert response.status_code >= 400
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
        assert "Date" in response.headers


def test_in_maintenance_devices_are_told_when_to_retry_but_ping_answers(platform_server):
    platform_server.service.set_maintenance(42)
    with platform_server.client() as client:
        assert client.ping()
        with pytest.raises(RetryLater) as caught:
            client.push([])
        assert (caught.value.status, caught.value.retry_after_s) == (503, 42.0)
        platform_server.service.set_maintenance(None)
        assert client.push([]) == []


def test_nonces_are_remembered_600_s_even_across_a_restart(tmp_path):
    from devices.idcard.idnumber import is_valid_id_number
    from offline_sync.platform_server import PlatformService

    clock = ManualClock()
    service = PlatformService.open(tmp_path / "p.db", is_valid_id_number, clock)
    nonce = new_nonce()
    assert service.use_nonce("511502-K-000001", nonce) is True
    assert service.use_nonce("511502-K-000002", nonce) is True  # per device
    service.close()
    restarted = PlatformService.open(tmp_path / "p.db", is_valid_id_number, clock)
    try:
        assert restarted.use_nonce("511502-K-000001", nonce) is False
        clock.advance(seconds=601)
        assert restarted.use_nonce("511502-K-000001", nonce) is True
    finally:
        restarted.close()
