"""The hall server over HTTP: log-in and its defences, desk presses, the board's data, events."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from kiosk.core.hall.events import parse_sse
from tests.hall_fixtures import STAFF_ID, STAFF_PIN, running_hall


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with running_hall(tmp_path_factory.mktemp("web")) as running:
        yield running


def browser(hall) -> httpx.Client:
    return httpx.Client(base_url=hall.url, headers={"Origin": hall.url}, timeout=10)


def login_form(client: httpx.Client) -> str:
    page = client.get("/counter")
    assert page.status_code == 200 and "窗口登录" in page.text
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def log_in(client: httpx.Client, counter: str = "1号窗口", pin: str = STAFF_PIN) -> httpx.Response:
    token = login_form(client)
    return client.post(
        "/counter/login",
        data={"csrf": token, "staff_id": STAFF_ID, "pin": pin, "counter": counter},
    )


def csrf_of(page: str) -> str:
    return re.search(r'<meta name="csrf" content="([^"]+)"', page).group(1)


def test_log_in_sets_an_httponly_samesite_cookie_and_shows_the_desk(hall):
    with browser(hall) as client:
        answer = log_in(client)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert "hall_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        page = client.get("/counter")
        assert "王小红（工号 1001）" in page.text and "呼叫下一位" in page.text
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_log_in_refuses_a_cross_site_form_and_a_missing_token(hall):
    with browser(hall) as client:
        token = login_form(client)
        fields = {"csrf": token, "staff_id": STAFF_ID, "pin": STAFF_PIN, "counter": "1号窗口"}
        forged = client.post(
            "/counter/login", data=fields, headers={"Origin": "http://evil.example"}
        )
        assert forged.status_code == 401 and "页面已过期" in forged.text
        client.cookies.clear()
        no_cookie = client.post("/counter/login", data=fields)
        assert no_cookie.status_code == 401 and "hall_session" not in no_cookie.headers.get(
            "set-cookie", ""
        )


def test_a_wrong_pin_says_so_without_saying_which_part(hall):
    with browser(hall) as client:
        wrong = log_in(client, pin="0000")
        assert wrong.status_code == 401 and "工号或密码不对" in wrong.text
        assert "0000" not in wrong.text


def test_presses_need_the_sessions_token_and_repeat_safely(hall):
    hall.queue(lambda q: q.take("civil"))
    with browser(hall) as client:
        log_in(client, counter="3号窗口")
        token = csrf_of(client.get("/counter").text)
        press = {"action": "call_next", "request_id": "press-1"}
        refused = client.post("/counter/act", json=press, headers={"X-CSRF-Token": "forged"})
        assert refused.status_code == 403
        first = client.post("/counter/act", json=press, headers={"X-CSRF-Token": token}).json()
        again = client.post("/counter/act", json=press, headers={"X-CSRF-Token": token}).json()
        assert first["tone"] == "ok" and first["message"] == "已呼叫 B001 到 3号窗口"
        assert again["message"] == first["message"]  # the same press, not a second call
        assert 'id="act-recall"' in again["panel"]
        busy = client.post(
            "/counter/act", json={"action": "call_next"}, headers={"X-CSRF-Token": token}
        ).json()
        assert busy["tone"] == "error" and "B001" in busy["message"]
        done = client.post(
            "/counter/act",
            json={"action": "done", "ticket_no": "B001"},
            headers={"X-CSRF-Token": token},
        ).json()
        assert done["message"] == "B001 已办结"


def test_logout_ends_the_session(hall):
    with browser(hall) as client:
        log_in(client)
        token = csrf_of(client.get("/counter").text)
        old = client.cookies.get("hall_session")
        assert client.post("/counter/logout", data={"csrf": token}).status_code == 303
        client.cookies.set("hall_session", old)
        assert "窗口登录" in client.get("/counter").text
        assert client.get("/counter/panel").status_code == 401


def test_the_board_and_its_data_never_show_a_name(hall):
    hall.queue(lambda q: q.take("hukou"))
    hall.queue(lambda q: q.call("4号窗口"))
    with browser(hall) as client:
        page = client.get("/board").text
        state = client.get("/api/v1/board").json()
    assert "测试镇便民服务中心" in page and "最近叫号" in page
    assert state["view"]["recent_calls"][0]["counter"] == "4号窗口"
    assert "王小红" not in page and "王小红" not in json.dumps(state, ensure_ascii=False)


def test_the_event_stream_has_ids_and_starts_with_the_newest_seq(hall):
    with (
        httpx.Client(base_url=hall.url, timeout=10) as client,
        client.stream("GET", "/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(stream.iter_lines())
        hello = next(events)
        assert hello.event == "hello" and hello.id == str(hello.data["seq"])
        hall.queue(lambda q: q.take("social"))
        change = next(e for e in events if e.event == "change")
    assert change.data["action"] == "issued" and int(change.id) == hello.data["seq"] + 1


def test_the_client_api_refuses_unsigned_and_malformed_requests(hall):
    with httpx.Client(base_url=hall.url, timeout=10) as client:
        assert client.get("/api/v1/ping").json() == {"service": "bianmin-hall", "api": "v1"}
        unsigned = client.post("/api/v1/queue/take", json={"service_code": "social"})
        assert (
            unsigned.status_code == 401 and unsigned.json()["error"]["key"] == "queue.hall_refused"
        )
