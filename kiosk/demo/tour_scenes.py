"""The kiosk tour's first scenes, one function each, in the order the tour plays them:
取号 with the printer's faults and appointments, 办事指南, 我要办 (card, form, materials,
review, receipt), 好差评 and manual ID entry. :mod:`kiosk.demo.tour_scenes_late` holds the
rest.

Each scene starts where the one before it left the kiosk and takes its pictures with
``tour.shot``; their names and order are the tour's (docs/kiosk.md lists them).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from devices.idcard.frames import Command
from devices.idcard.simulator import Fault
from devices.printer import PrinterState
from kiosk.core.notices import apply_notice

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.demo.tour import Tour

ELDER, YOUNGER, RESIDENCE_PERMIT = 0, 1, 4  # 王建国 (1958), 李秀芳 (1986), 陈家明 (居住证)
ITEM = "异地就医备案"


def home_with_notice(tour: Tour) -> str:
    """The home screen with the platform's notice; books the appointment checked in later."""
    app = tour.app

    def notices(services):
        with services.store.transaction() as conn:
            apply_notice(
                conn,
                {
                    "id": "n1",
                    "title": "医保缴费提醒",
                    "text": "2027年度城乡居民医保集中缴费截至12月31日",
                    "valid_from": "2026-11-01",
                },
            )
        return services.queue.book("social", tour.clock.now() + timedelta(minutes=20))

    appointment = app.call(notices).result(timeout=30)
    app.poll_status()
    tour.wait(lambda: app.notices, "the notice")
    tour.shot("home")
    return appointment


def take_a_number(tour: Tour) -> None:
    """取号 in three taps: the services with waiting counts, the priority choice, the ticket."""
    d = tour.driver
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("等候"), "waiting counts")
    tour.shot("queue-services")
    d.tap("社保医保")
    tour.on("priority")
    tour.shot("queue-priority")
    d.tap(id="ordinary")
    tour.on("ticket")
    tour.printer.wait_for_jobs(1)
    tour.shot("queue-ticket-printed")


def green_channel(tour: Tour) -> None:
    """The green channel by ID card for a villager over 65: the card prompt, B001 marked green."""
    d = tour.driver
    tour.home()
    d.tap(id="take_number")
    d.tap("民政救助")
    d.tap(id="age")
    tour.wait(lambda: d.overlays(), "the card prompt")
    tour.shot("queue-priority-card")
    tour.place_card(ELDER)
    tour.on("ticket")
    tour.shot("queue-ticket-green-channel")


def printer_faults(tour: Tour) -> None:
    """The ticket with the paper near its end, the cover open, out of paper, then reprinted."""
    d = tour.driver
    # The printer: paper near its end (still prints; staff are told), cover open, out of
    # paper (the number stays, said and shown, 重新打印), and the fault on staff's list.
    for state, name in (
        (PrinterState.PAPER_NEAR_END, "queue-ticket-paper-near-end"),
        (PrinterState.COVER_OPEN, "queue-ticket-cover-open"),
        (PrinterState.PAPER_OUT, "queue-ticket-out-of-paper"),
    ):
        tour.printer.state = state
        tour.home()
        d.tap(id="take_number")
        d.tap("户籍办理")
        d.tap(id="ordinary")
        tour.on("ticket")
        tour.shot(name)
    tour.printer.state = PrinterState.READY
    jobs = len(tour.printer.jobs)
    d.tap(id="reprint")
    tour.printer.wait_for_jobs(jobs + 1)
    tour.wait(lambda: d.shows("请取走小票"), "the reprint")
    tour.shot("queue-ticket-reprinted")


def appointment_check_in(tour: Tour, appointment: str) -> None:
    """Appointment check-in on the pad: a wrong code refused, the right code typed, its ticket."""
    d = tour.driver
    tour.home()
    d.tap(id="take_number")
    d.tap(id="appointment")
    tour.on("appointment")
    pad = d.keys("pad")
    for digit in "9" * 6:
        d.tap(pad[digit])
    d.tap(id="check_in")
    tour.wait(lambda: d.find(id="problem").text, "the refusal of a wrong code")
    tour.shot("appointment-wrong-code")
    d.tap(pad["clear"])
    for digit in appointment:
        d.tap(pad[digit])
    tour.shot("appointment-pad")
    d.tap(id="check_in")
    tour.on("ticket")
    tour.shot("appointment-ticket")


def service_guide(tour: Tour) -> None:
    """办事指南: life events, themes, a list and page 2, search, an item's pages, materials printed."""
    d = tour.driver
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    tour.wait(lambda: d.shows("养老"), "the guide's life events")
    tour.shot("guide-start")
    d.tap(id="show_themes")
    tour.shot("guide-themes")
    d.tap("医疗保障")
    tour.on("items")
    tour.wait(lambda: d.shows(ITEM), "the items")
    tour.shot("guide-items")
    d.tap(id="next")
    tour.shot("guide-items-page-2")
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    d.tap("养老")
    tour.on("items")
    tour.shot("guide-life-event-old-age")
    tour.home()
    d.tap(id="guide")
    d.tap(id="search")
    tour.on("search")
    tour.shot("guide-search-keyboard")
    for letter in "QQX":
        d.tap(letter)
    tour.wait(lambda: d.shows("没有找到"), "no results")
    tour.shot("guide-search-no-results")
    d.tap(d.keys("letters")["clear"])
    for letter in "YDJY":
        d.tap(letter)
    tour.wait(lambda: d.shows(ITEM), "the search result")
    tour.shot("guide-search-results")
    d.tap(ITEM)
    tour.on("item")
    tour.wait(lambda: d.shows("所需材料"), "the item page")
    tour.shot("guide-item")
    d.tap(id="next_page")
    tour.shot("guide-item-page-2")
    d.tap(id="print_materials")
    tour.wait(lambda: d.overlays(), "the printed message")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.shot("guide-item-materials-printed")
    d.tap(id="ok")


def apply_card(tour: Tour) -> None:
    """我要办's card: waiting, a read error, a residence permit, 不是我, reading, the confirmation."""
    d = tour.driver
    app = tour.app
    d.tap(id="apply")
    tour.on("apply")
    tour.shot("apply-card-waiting")
    tour.reader.simulator.inject(Fault.SAM_ERROR, count=tour.reader.read_attempts)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "error", "the read error")
    tour.shot("apply-card-error")
    tour.place_card(RESIDENCE_PERMIT)
    tour.on("confirm")
    tour.shot("apply-confirm-residence-permit")
    d.tap(id="not_me")
    tour.on("apply")
    tour.shot("apply-not-me")
    tour.reader.simulator.inject(Fault.SLOW, target=Command.READ_TEXT_PHOTO, delay_s=1.2)
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("apply").card_state == "reading", "the card being read")
    tour.shot("apply-card-reading")
    tour.on("confirm")
    tour.shot("apply-confirm")
    d.tap(id="me")
    tour.on("form")


def apply_form(tour: Tour) -> None:
    """我要办's form: a field left empty, a short phone, the pad, a choice, the place, the date."""
    d = tour.driver
    tour.wait(lambda: d.shows("联系电话"), "the phone page")
    d.tap(id="next")
    tour.wait(lambda: d.find(id="problem").text, "the empty field refused")
    tour.shot("apply-form-required-empty")
    keys = d.keys("pad_place")
    for digit in "1381234":
        d.tap(keys[digit])
    d.tap(id="next")
    tour.wait(lambda: d.find(id="problem").text, "the short phone number refused")
    tour.shot("apply-form-phone-short")
    for digit in "5678":
        d.tap(keys[digit])
    tour.shot("apply-form-phone-pad")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    d.tap("异地转诊就医")
    tour.shot("apply-form-choice")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    tour.shot("apply-form-place-provinces")
    d.tap("四川省")
    tour.wait(lambda: d.shows("绵阳市"), "the cities")
    tour.shot("apply-form-place-cities")
    d.tap("绵阳市")
    tour.wait(lambda: d.shows("三台县"), "the counties")
    d.tap("三台县")
    tour.shot("apply-form-place-chosen")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    tour.shot("apply-form-date-empty")
    d.tap(id="today")
    d.tap(id="later_day")
    tour.shot("apply-form-date-picked")
    d.tap(id="next")


def apply_submit(tour: Tour, config: Config) -> None:
    """我要办's materials, idle over the form, the review, a receipt not printed then reprinted."""
    d = tour.driver
    tour.on("materials")
    d.tap("居民身份证")
    tour.shot("apply-materials")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown over the form")
    tour.shot("idle-countdown-over-a-form")
    d.tap(id="keep")
    d.tap(id="next")
    tour.on("review")
    tour.shot("apply-review")
    # Printing fails: the reference stays on the screen, 重新打印, staff are told.
    tour.printer.state = PrinterState.PAPER_OUT
    d.tap(id="submit")
    tour.on("receipt")
    tour.shot("apply-receipt-not-printed")
    tour.printer.state = PrinterState.READY
    jobs = len(tour.printer.jobs)
    d.tap(id="reprint")
    tour.printer.wait_for_jobs(jobs + 1)
    tour.wait(lambda: d.shows("请取走回执"), "the reprinted receipt")
    tour.shot("apply-receipt")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown over the receipt")
    tour.shot("idle-countdown-over-the-receipt")
    d.tap(id="keep")


def rate_the_case(tour: Tour) -> None:
    """好差评 of the case just submitted (named by service and day): faces, reasons at 1-2, thanks."""
    d = tour.driver
    app = tour.app
    d.tap(id="rate")
    tour.on("rating")
    tour.shot("rating-faces")
    d.tap(id="level_2")
    tour.shot("rating-reasons")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("rating").problem, "a reason asked for")
    tour.shot("rating-reason-required")
    d.tap("等候时间太长")
    d.tap(id="submit")
    tour.on("home")
    tour.shot("rating-thanks")
    d.tap(id="ok")


def rate_a_ticket(tour: Tour) -> None:
    """好差评 of a ticket number typed in on the pad, then the ticket's faces."""
    d = tour.driver
    app = tour.app
    d.tap(id="rating")
    tour.on("rating")
    d.tap("A")
    for digit in "001":
        d.tap(d.keys("ticket_pad")[digit])
    tour.shot("rating-ticket-typed")
    d.tap(id="find_ticket")
    tour.wait(lambda: app.screen("rating").has_target, "the faces of the ticket")
    tour.shot("rating-ticket-faces")


def manual_id_entry(tour: Tour) -> None:
    """Manual ID entry: wrong check digit, unverified, a municipality, a missing paper, receipt."""
    d = tour.driver
    app = tour.app
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    d.tap(id="manual")
    tour.on("id_entry")
    pad = d.keys("pad")
    for ch in "510722198603052621":
        d.tap(pad[ch])
    d.tap(id="ok")
    tour.shot("id-entry-check-digit-wrong")
    d.tap(pad["backspace"])
    d.tap(pad["0"])
    d.tap(id="ok")
    tour.on("confirm")
    tour.shot("id-entry-confirm-unverified")
    d.tap(id="me")
    tour.on("form")
    for digit in "13912345678":
        d.tap(d.keys("pad_place")[digit])
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    d.tap("临时外出就医")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    d.tap("重庆市")
    tour.wait(lambda: d.shows("渝中区"), "the districts")
    tour.shot("apply-form-place-municipality")
    d.tap("渝中区")
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    d.tap(id="today")
    d.tap(id="next")
    tour.on("materials")
    d.tap(id="next")  # a required paper not ticked: told on the checklist, what to do
    tour.wait(lambda: app.screen("materials").problem, "the missing material")
    tour.shot("apply-materials-missing")
    d.tap("居民身份证")
    d.tap(id="next")
    tour.on("review")
    d.tap(id="submit")
    tour.on("receipt")
    tour.shot("id-entry-receipt")
