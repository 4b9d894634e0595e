"""The phone page over HTTP: what it shows, its defences (token header, origin, rate limits),
refusals in words, the QR on the board, and staff pausing it from the counter page."""

from __future__ import annotations

import io
import re
import wave

import httpx
import pytest

from kiosk.config import ConfigError, load_config
from kiosk.hall.phone import qr_svg
from tests.conftest import write_site
from tests.hall_fixtures import running_hall
from tests.test_hall_web import csrf_of, log_in

PUBLIC = 'public_url = "http://192.168.1.10:8470/"\nphone_actions_per_min = 60\n'
TOKEN = "ab" * 16


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with running_hall(tmp_path_factory.mktemp("phone"), extra=PUBLIC) as running:
        yield running


def phone(hall, token: str = TOKEN) -> httpx.Client:
    """A phone's browser on this hall: same origin, the page's token header."""
    headers = {"Origin": hall.url, "X-Phone": token}
    return httpx.Client(base_url=hall.url, headers=headers, timeout=10)


def take(client: httpx.Client, service: str, request_id: str) -> httpx.Response:
    return client.post("/m/take", json={"service": service, "request_id": request_id})


def visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_page_offers_the_services_in_the_kiosks_order_and_asks_nothing_personal(hall):
    hall.queue(lambda q: q.take("civil"))
    with httpx.Client(base_url=hall.url) as client:
        page = client.get("/m")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    names = re.findall(r'<span class="name">([^<]+)</span>', page.text)
    assert names == [s.name for s in hall.services.config.services]
    assert "民政救助 等候 1 人" in visible(page.text)
    assert "<input" not in page.text and "<form" not in page.text  # nothing to fill in
    assert "不收集个人信息" in page.text
    assert hall.hall.config.hall.key not in page.text  # no secret of the hall on the page


def test_a_take_answers_the_number_in_words_and_a_repeat_issues_nothing(hall):
    with phone(hall) as client:
        first = take(client, "social", "1" * 32)
        again = take(client, "social", "1" * 32)
        live = client.get("/m/live")
    assert first.status_code == 200 and first.json()["tone"] == "ok"
    assert first.json()["message"] == "取号成功：社保医保 A001"
    assert again.json()["message"] == "取号成功：社保医保 A001"
    assert "A001" in live.text and "前面还有" not in visible(live.text)  # nobody ahead
    assert "下一位就是您" in visible(live.text) and "叫号时提醒我" in live.text
    count = hall.hall.submit(
        lambda: hall.services.store.conn.execute("SELECT count(*) FROM ticket").fetchone()[0]
    ).result()
    assert count == 2  # the kiosk's B001 and this phone's A001


def test_the_cookie_alone_draws_the_page_with_the_phones_number(hall):
    with phone(hall, "cd" * 16) as client:
        take(client, "hukou", "2" * 32)
    with httpx.Client(base_url=hall.url, cookies={"bm_phone": "cd" * 16}) as browser:
        page = browser.get("/m")
    assert 'class="number">C001<' in page.text and "户籍办理" in page.text


def test_a_refusal_says_why_in_plain_chinese(hall):
    with phone(hall, "ef" * 16) as client:
        take(client, "hukou", "3" * 32)
        refused = take(client, "hukou", "4" * 32)
    assert refused.status_code == 409 and refused.json()["tone"] == "error"
    assert refused.json()["message"] == "您已经取了户籍办理的号 C002，还没有办完。"
    assert "C002" in refused.json()["live"]  # the page shows the number it holds


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Phone": None},  # no token: no write (a form of another site cannot send one)
        {"X-Phone": "not-a-token"},
        {"Origin": "http://evil.example"},
    ],
)
def test_writes_without_the_token_header_or_from_another_site_are_refused(hall, headers):
    with phone(hall, "12" * 16) as client:
        for name, value in headers.items():
            if value is None:
                del client.headers[name]
            else:
                client.headers[name] = value
        answer = take(client, "social", "5" * 32)
    assert answer.status_code == 403


def test_a_cookie_is_not_enough_to_write(hall):
    with httpx.Client(
        base_url=hall.url, cookies={"bm_phone": TOKEN}, headers={"Origin": hall.url}
    ) as browser:
        answer = browser.post("/m/take", json={"service": "civil", "request_id": "6" * 32})
    assert answer.status_code == 403


def test_a_malformed_request_is_refused(hall):
    with phone(hall, "34" * 16) as client:
        assert client.post("/m/take", content=b"{oops").status_code == 400
        assert client.post("/m/take", json={"service": "civil"}).status_code == 400
        assert take(client, "civil", "short").status_code == 400


def test_too_many_taps_from_one_address_are_slowed_down(tmp_path):
    with running_hall(tmp_path, extra="phone_actions_per_min = 3\n") as hall:
        answers = []
        for n in range(4):
            with phone(hall, f"{n:032x}") as client:
                answers.append(take(client, "civil", f"{n:032x}"))
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["message"] == "点得太快了，请等一会儿再试。"


def test_staff_pause_phone_issuing_from_the_counter_page(hall):
    with httpx.Client(base_url=hall.url, headers={"Origin": hall.url}, timeout=10) as staff:
        log_in(staff)
        csrf = csrf_of(staff.get("/counter").text)
        press = {"X-CSRF-Token": csrf}
        paused = staff.post("/counter/act", json={"action": "pause_phone"}, headers=press)
        assert paused.json()["message"] == "手机取号已暂停（自助机和窗口照常取号）"
        assert "恢复手机取号" in paused.json()["panel"]
        with phone(hall, "56" * 16) as client:
            refused = take(client, "civil", "7" * 32)
            page = client.get("/m")
        assert refused.json()["message"] == "手机取号暂停了。请到自助机或窗口取号。"
        assert 'id="phone-paused"' in page.text
        board = httpx.get(hall.url + "/board/live").text
        assert "手机取号暂停" in board and "/m/qr.svg" not in board
        staff.post("/counter/act", json={"action": "resume_phone"}, headers=press)
    assert "/m/qr.svg" in httpx.get(hall.url + "/board/live").text


def test_the_board_shows_the_qr_of_the_phone_page(hall):
    board = httpx.get(hall.url + "/board").text
    assert '<img src="/m/qr.svg" alt="http://192.168.1.10:8470/m">' in board
    assert "手机扫码取号" in board
    svg = httpx.get(hall.url + "/m/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.content == qr_svg(
        "http://192.168.1.10:8470/m"
    )


def test_no_public_url_no_qr(tmp_path):
    with running_hall(tmp_path) as hall:
        assert httpx.get(hall.url + "/m/qr.svg").status_code == 404
        assert "qr" not in httpx.get(hall.url + "/board").text
        assert httpx.get(hall.url + "/m").status_code == 200  # the page itself still works


def test_the_chime_is_a_short_wav_a_phone_may_keep(hall):
    answer = httpx.get(hall.url + "/m/chime.wav")
    assert answer.headers["content-type"] == "audio/wav"
    assert answer.headers["cache-control"] == "max-age=86400"
    with wave.open(io.BytesIO(answer.content)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.5 < seconds < 5 and len(answer.content) < 100_000


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://127.0.0.1:8470", "phones cannot reach this machine there"),
        ("http://localhost:8470/", "phones cannot reach this machine there"),
        ("http://192.168.1.10:8470/m", "write 'http://192.168.1.10:8470'"),
    ],
)
def test_a_phone_page_address_phones_cannot_use_is_refused(tmp_path, url, says):
    site = write_site(tmp_path, f'\n[hall]\npublic_url = "{url}"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(site)
    assert "public_url" in str(refused.value) and says in str(refused.value)
