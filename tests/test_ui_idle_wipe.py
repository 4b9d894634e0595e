"""The idle wipe on every screen that holds personal data, and the kiosk's two scanner paths.

When the villager walks away, the countdown runs out and the kiosk goes home: nothing of
that person may stay in any screen, shown or built and hidden (a later villager could be
sent back to it). Each test brings personal data onto the screens by touch, checks it is
there, lets the idle timer run out and then reads every text of every built screen and
every string property of each screen.
"""

from __future__ import annotations

import pytest

from tests.test_ui_apply import find_item_by_initials
from tests.test_ui_feedback import LI, submit_case_for
from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

# 李秀芳, card 1 of the simulator, and what her application adds.
PERSONAL = (
    "李秀芳",
    LI,
    "5107**********2620",  # the masked number is hers too
    "芦溪镇工农村",  # her address on the card
    "13812345678",
    "138 1234 5678",  # as the form and the review show it
    "138****5678",
)

# Screens that can hold something of the person at the screen, each brought to that state
# by a test below; the others show only what anyone may see.
HOLDS_PERSONAL_DATA = {
    "apply",
    "confirm",
    "form",
    "materials",
    "review",
    "receipt",
    "id_entry",
    "progress",
    "unsolved",
    "priority",
    "ticket",
    "appointment",
    "rating",
}
NOTHING_PERSONAL = {"home", "queue", "guide", "search", "items", "item"}

SCANNER = '\n[devices.scanner]\nport = "sim"\n'  # a simulated scanner on a pty


def _walk(widget):
    yield widget
    for child in widget.children:
        yield from _walk(child)


def personal_texts(kiosk, fragments=PERSONAL) -> list[str]:
    """Every text of every built screen and open overlay, and every string property of each
    screen, that holds one of ``fragments``."""
    found = []
    roots = [*kiosk.app.root.screens, *kiosk.overlays()]
    for root in roots:
        for widget in _walk(root):
            for attr in ("text", "hint_text"):
                value = getattr(widget, attr, None)
                if isinstance(value, str) and any(f in value for f in fragments):
                    found.append(f"{getattr(root, 'name', root)}: {attr} {value[:60]!r}")
    for screen in kiosk.app.root.screens:
        for name in screen.properties():
            value = getattr(screen, name, None)
            if isinstance(value, str | list | tuple) and any(f in str(value) for f in fragments):
                found.append(f"{screen.name}.{name}: {str(value)[:60]!r}")
    return found


def walk_away(kiosk, clock) -> None:
    """The villager leaves: the idle time and the countdown run out, the kiosk goes home."""
    clock.advance(seconds=kiosk.app.site.ui.idle_s)
    kiosk.wait_until(lambda: kiosk.shows("您还要接着办吗"), what="the countdown")
    clock.advance(seconds=kiosk.app.site.ui.countdown_s)
    kiosk.wait_until(lambda: kiosk.screen.name == "home" and not kiosk.overlays(), what="home")


def assert_wiped(kiosk, clock, fragments=PERSONAL) -> None:
    held = personal_texts(kiosk, fragments)
    assert held, "the test brought nothing personal onto the screens"
    walk_away(kiosk, clock)
    assert personal_texts(kiosk, fragments) == []
    assert not kiosk.app.session.has_personal_data


def to_form_with_phone_typed(kiosk, reader) -> None:
    find_item_by_initials(kiosk, "YDJY")
    kiosk.tap(id="next_page")
    kiosk.tap(id="apply")
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    kiosk.tap(id="me")
    kiosk.wait_until(lambda: kiosk.screen.name == "form" and kiosk.shows("联系电话"))
    keys = kiosk.keys("pad_place")
    for digit in "13812345678":
        kiosk.tap(keys[digit])
    assert kiosk.find(id="shown").text == "138 1234 5678"


def to_review(kiosk, reader) -> None:
    to_form_with_phone_typed(kiosk, reader)
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案类型"), what="the choice page")
    kiosk.tap("异地转诊就医")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("就医地"), what="the place page")
    for place in ("四川省", "绵阳市", "三台县"):
        kiosk.tap(place)
        kiosk.wait_until(lambda p=place: p in kiosk.find(id="shown").text, what=place)
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案开始日期"), what="the date page")
    kiosk.tap(id="today")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "materials", what="the materials page")
    kiosk.tap("居民身份证")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "review", what="the review page")


def test_every_screen_is_either_wiped_here_or_holds_nothing_personal():
    from kiosk.ui.screens import SCREENS

    names = {screen.kv_name for screen in SCREENS}
    unknown = names - HOLDS_PERSONAL_DATA - NOTHING_PERSONAL
    assert unknown == set(), (
        f"new screens {sorted(unknown)}: add each to HOLDS_PERSONAL_DATA (and bring personal"
        " data onto it in a test of this file) or to NOTHING_PERSONAL"
    )


def test_wipe_in_the_middle_of_the_form(kiosk, reader, clock):
    to_form_with_phone_typed(kiosk, reader)
    assert_wiped(kiosk, clock)


def test_wipe_on_the_review_screen(kiosk, reader, clock):
    to_review(kiosk, reader)
    assert "李秀芳" in kiosk.find(id="body").text
    assert_wiped(kiosk, clock)


# A receipt carries its progress QR when the kiosk knows its platform's address.
PLATFORM = '\n[platform]\nurl = "https://zwfw.example.cn"\n'


@pytest.mark.parametrize("kiosk", [SCANNER + PLATFORM], indirect=True, ids=["scanner"])
def test_wipe_on_the_receipt_and_its_printed_qr_scanned_finds_the_case(
    kiosk, reader, printer, clock
):
    to_review(kiosk, reader)
    kiosk.tap(id="submit")
    kiosk.wait_until(lambda: kiosk.screen.name == "receipt", what="the receipt")
    reference = kiosk.app.screen("receipt").reference
    assert reference.startswith("BM-")
    assert_wiped(kiosk, clock, (*PERSONAL, reference))
    # The villager comes back with the paper: its QR, read by the scanner, finds the case.
    (job,) = printer.wait_for_jobs(1)
    (qr,) = [line.text for line in job.lines if line.kind == "qr"]
    assert qr.startswith("https://zwfw.example.cn/progress/")
    kiosk.tap(id="progress")
    kiosk.app.front_end.devices.scanner.simulator.scan(qr)
    kiosk.wait_until(lambda: kiosk.shows("您共有 1 件申请"), what="the case after the scan")
    assert kiosk.shows("异地就医备案")


def test_wipe_on_the_progress_of_a_persons_cases(kiosk, reader, clock):
    submit_case_for(kiosk, LI)
    kiosk.tap(id="progress")
    reader.simulator.place(1)
    kiosk.wait_until(lambda: kiosk.shows("您共有 1 件申请"), what="the case list")
    assert_wiped(kiosk, clock, (*PERSONAL, "异地就医备案"))


def test_wipe_of_numbers_half_typed_on_the_pads(kiosk, clock):
    kiosk.tap(id="unsolved")
    kiosk.tap(id="kind_trips")
    pad = kiosk.keys("pad")
    for digit in "13812345678":
        kiosk.tap(pad[digit])
    kiosk.app.go_home()
    kiosk.tap(id="progress")
    kiosk.tap(id="manual")
    pad = kiosk.keys("pad")
    for ch in LI[:12]:
        kiosk.tap(pad[ch])
    assert_wiped(kiosk, clock, ("13812345678", "138****5678", LI[:12]))


def test_wipe_after_the_age_channel_read_a_card_and_issued_a_ticket(kiosk, reader, printer, clock):
    kiosk.tap(id="take_number")
    kiosk.tap("社保医保")
    kiosk.tap(id="age")
    reader.simulator.place(0)  # 王建国, born 1958
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket after the card")
    kiosk.app.go("rating")
    kiosk.wait_until(lambda: kiosk.shows("（A001 号）的服务打分"), what="the rating target")
    assert_wiped(kiosk, clock, ("王建国", "511502195807120315", "A001"))


@pytest.mark.parametrize("kiosk", [SCANNER], indirect=True, ids=["scanner"])
def test_a_booking_qr_scanned_checks_in_and_prints_the_ticket(kiosk, printer):
    code = kiosk.app.call(lambda s: s.queue.book("civil", s.clock.now())).result(timeout=10)
    kiosk.tap(id="take_number")
    kiosk.tap(id="appointment")
    assert kiosk.screen.name == "appointment"
    kiosk.app.front_end.devices.scanner.simulator.scan(f"https://yuyue.example.cn/c/{code}")
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket after the scan")
    assert kiosk.find(id="number").text == "B001"
    (job,) = printer.wait_for_jobs(1)
    assert "B001" in job.text
    used = kiosk.app.call(
        lambda s: s.store.conn.execute(
            "SELECT ticket_id IS NOT NULL FROM appointment WHERE code = ?", (code,)
        ).fetchone()[0]
    ).result(timeout=10)
    assert used == 1
