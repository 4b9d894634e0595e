"""取号 by touch: service, green channel, ticket on the virtual printer or a QR on screen."""

from __future__ import annotations

from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)


def test_three_taps_from_home_to_a_printed_ticket(kiosk, printer):
    kiosk.tap(id="take_number")
    assert kiosk.screen.name == "queue"
    kiosk.tap("社保医保")
    assert kiosk.screen.name == "priority"
    kiosk.tap(id="ordinary")
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket screen")
    assert kiosk.find(id="number").text == "A001"
    assert kiosk.shows("前面还有 0 人")
    assert kiosk.shows("请取走小票")
    (job,) = printer.wait_for_jobs(1)
    assert "A001" in job.text and "社保医保" in job.text
    kiosk.tap(id="done")
    assert kiosk.screen.name == "home"
    assert not kiosk.app.session.has_personal_data


def test_second_ticket_sees_one_person_ahead_and_the_waiting_count(kiosk, printer):
    for _ in range(2):
        kiosk.tap(id="take_number")
        kiosk.wait_until(lambda: kiosk.screen.name == "queue")
        kiosk.tap("户籍办理")
        kiosk.tap(id="ordinary")
        kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket screen")
        kiosk.tap(id="done")
    assert kiosk.screen.name == "home"
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.shows("等候 2 人"), what="the waiting count")


def test_age_green_channel_reads_the_card_of_a_villager_over_65(kiosk, printer, reader):
    kiosk.tap(id="take_number")
    kiosk.tap("社保医保")
    kiosk.tap(id="age")
    assert kiosk.shows("请把身份证平放在屏幕下方亮灯的地方")
    reader.simulator.place(0)  # 王建国, born 1958
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket after the card")
    assert kiosk.find(id="number").text == "A001"


def test_too_young_for_the_age_channel_is_told_plainly(kiosk, printer, reader):
    kiosk.tap(id="take_number")
    kiosk.tap("社保医保")
    kiosk.tap(id="age")
    reader.simulator.place(1)  # 李秀芳, born 1986
    kiosk.wait_until(lambda: kiosk.shows("65岁以上的老人才能走"), what="the refusal")
    assert kiosk.screen.name == "priority"


def test_appointment_check_in_on_the_numeric_pad(kiosk, printer, clock):
    from datetime import timedelta

    code = kiosk.app.call(lambda s: s.queue.book("civil", clock.now() + timedelta(minutes=10)))
    code = code.result(timeout=10)
    kiosk.tap(id="take_number")
    kiosk.tap(id="appointment")
    pad = kiosk.keys("pad")
    for digit in "999999":
        kiosk.tap(pad[digit])
    kiosk.tap(id="check_in")
    kiosk.wait_until(lambda: kiosk.shows("没找到这个预约码"), what="a wrong code refused")
    kiosk.tap(pad["clear"])
    for digit in code:
        kiosk.tap(pad[digit])
    assert kiosk.find(id="code").text == " ".join(code)
    kiosk.tap(id="check_in")
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket")
    assert kiosk.find(id="number").text == "B001"
