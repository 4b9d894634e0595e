"""The kiosk tour's later scenes, one function each, in the order the tour plays them after
:mod:`kiosk.demo.tour_scenes`: 进度查询, 办不成事, 找工作人员, idle, 字大一点 (large text),
the card reader unplugged, the platform online, and after closing time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.demo.tour_scenes import YOUNGER

if TYPE_CHECKING:
    from kiosk.config import Config
    from kiosk.demo.tour import Tour


def progress(tour: Tour) -> None:
    """进度查询: the prompt, no cases, a person's cases as the platform moved them on, by number."""
    d = tour.driver
    app = tour.app
    tour.home()
    d.tap(id="progress")
    tour.on("progress")
    tour.shot("progress-prompt")
    d.tap(id="manual")
    pad = d.keys("pad")
    for ch in "11010519491231002X":
        d.tap(pad[ch])
    d.tap(id="ok")
    tour.on("progress")
    tour.wait(lambda: app.screen("progress").searched, "no cases")
    tour.shot("progress-none")
    app.call(lambda s: _platform_moves_on(s, tour.clock)).result(timeout=30)
    tour.home()
    d.tap(id="progress")
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("progress").searched, "the cases")
    tour.shot("progress-cases")
    if app.screen("progress").pages > 1:
        d.tap(id="next_page")
        tour.shot("progress-cases-page-2")
    tour.home()
    d.tap(id="progress")
    d.tap(id="reference")
    tour.on("id_entry")
    pad = d.keys("pad")
    for ch in "1123001":
        d.tap(pad[ch])
    tour.shot("progress-reference-typed")
    d.tap(id="ok")
    tour.on("progress")
    tour.shot("progress-by-reference")


def unsolved(tour: Tour) -> None:
    """办不成事: the kinds of problem, a phone number, the reference number and what comes next."""
    d = tour.driver
    app = tour.app
    tour.home()
    d.tap(id="unsolved")
    tour.on("unsolved")
    tour.shot("unsolved-kinds")
    d.tap(id="kind_materials")
    pad = d.keys("pad")
    for digit in "13900001111":
        d.tap(pad[digit])
    tour.shot("unsolved-phone")
    d.tap(id="submit")
    tour.wait(lambda: app.screen("unsolved").reference, "the reference number")
    tour.shot("unsolved-reference")


def call_staff(tour: Tour) -> None:
    """找工作人员: staff are told, the villager where to find them."""
    d = tour.driver
    d.tap(id="call_staff")
    tour.wait(lambda: d.overlays(), "the help message")
    tour.shot("call-staff")
    d.tap(id="ok")


def idle_wipe(tour: Tour, config: Config) -> None:
    """Idle on the confirmation: the countdown, then home with everything wiped."""
    d = tour.driver
    app = tour.app
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.place_card(YOUNGER)
    tour.on("confirm")
    tour.clock.advance(config.ui.idle_s + 1)
    tour.wait(lambda: d.overlays(), "the idle countdown")
    tour.shot("idle-countdown")
    tour.clock.advance(config.ui.countdown_s)
    tour.wait(lambda: d.screen.name == "home" and not d.overlays(), "the wipe")
    tour.shot("idle-wiped-home")


def large_text_queue_and_guide(tour: Tour) -> None:
    """字大一点 (large text, high contrast) on: home, 取号 to the ticket, the guide, its search."""
    d = tour.driver
    app = tour.app
    d.tap(id="large_font")
    tour.shot("large-font-home")
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("等候"), "waiting counts")
    tour.shot("large-font-queue")
    d.tap("社保医保")
    tour.shot("large-font-priority")
    d.tap(id="disability")
    tour.on("ticket")
    tour.shot("large-font-ticket")
    tour.home()
    d.tap(id="guide")
    tour.on("guide")
    tour.shot("large-font-guide")
    d.tap(id="search")
    for letter in "SB":
        d.tap(letter)
    tour.wait(lambda: app.screen("search").hits, "results")
    tour.shot("large-font-search")


def large_text_application(tour: Tour) -> None:
    """字大一点 through 我要办 (confirm, form, materials, review, receipt) and 好差评; then off."""
    d = tour.driver
    app = tour.app
    tour.home()
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.place_card(YOUNGER)
    tour.on("confirm")
    tour.shot("large-font-confirm")
    d.tap(id="me")
    tour.on("form")
    tour.wait(lambda: d.shows("联系电话"), "the phone page")
    tour.shot("large-font-form-keypad")
    for digit in "13812345678":
        d.tap(d.keys("pad_place")[digit])
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案类型"), "the choice page")
    tour.shot("large-font-form-choice")
    d.tap("异地转诊就医")
    d.tap(id="next")
    tour.wait(lambda: d.shows("就医地"), "the place page")
    tour.shot("large-font-form-place")
    for place, then in (("四川省", "绵阳市"), ("绵阳市", "三台县"), ("三台县", "")):
        d.tap(place)
        if then:
            tour.wait(lambda t=then: d.shows(t), then)
    d.tap(id="next")
    tour.wait(lambda: d.shows("备案开始日期"), "the date page")
    d.tap(id="today")
    tour.shot("large-font-form-date")
    d.tap(id="next")
    tour.on("materials")
    d.tap("居民身份证")
    tour.shot("large-font-materials")
    d.tap(id="next")
    tour.on("review")
    tour.shot("large-font-review")
    d.tap(id="submit")
    tour.on("receipt")
    tour.printer.wait_for_jobs(len(tour.printer.jobs) or 1)
    tour.wait(lambda: d.shows("请取走回执"), "the receipt printed")
    tour.shot("large-font-receipt")
    d.tap(id="rate")
    tour.on("rating")
    tour.shot("large-font-rating-faces")
    tour.home()
    d.tap(id="rating")
    tour.on("rating")
    tour.shot("large-font-rating-pad")
    tour.home()
    d.tap(id="large_font")
    tour.reader.simulator.remove()


def reader_unplugged(tour: Tour) -> None:
    """The card reader unplugged: the card screen says so and offers the pad."""
    d = tour.driver
    app = tour.app
    d.tap(id="apply")
    app.screen("apply").start("511500-0201-03")
    tour.on("apply")
    tour.reader.simulator.unplug()
    tour.wait(lambda: app.screen("apply").card_state == "offline", "the reader offline")
    tour.shot("apply-reader-offline")
    tour.reader.simulator.replug()
    tour.wait(lambda: app.reader_state == "waiting", "the reader back")


def online(tour: Tour) -> None:
    """The platform reached: the home screen online, her cases after they were sent."""
    d = tour.driver
    app = tour.app
    tour.home()
    app.call(lambda services: services.sync.engine(services.store).run_once(30)).result(60)
    app.poll_status()
    tour.wait(lambda: app.link_state == "up", "the link up")
    tour.shot("home-online")
    d.tap(id="progress")
    tour.on("progress")
    tour.place_card(YOUNGER)
    tour.wait(lambda: app.screen("progress").searched, "her cases")
    tour.shot("progress-online")
    tour.reader.simulator.remove()


def after_closing_time(tour: Tour) -> None:
    """After closing time: 取号 says so before a tap."""
    d = tour.driver
    app = tour.app
    tour.home()
    tour.clock.advance(9 * 3600)  # 18:30
    app.status.tick()
    d.tap(id="take_number")
    tour.on("queue")
    tour.wait(lambda: d.shows("现在不是办公时间"), "the queue closed")
    tour.shot("queue-outside-hours")
    tour.home()


def _platform_moves_on(services, clock) -> None:
    """The platform's word on 李秀芳's cases (as its change feed brings it): one completed,
    one to correct, one refused; and two more applications saved on the kiosk."""
    from kiosk.core.cases import apply_case_status

    cases = services.cases.cases_of_person("510722198603052620")
    moves = [
        ("completed", None),
        ("needs_correction", "请补交医院诊断证明书"),
        ("rejected", "不符合备案条件"),
    ]
    with services.store.transaction() as conn:
        conn.execute("UPDATE outbox SET state = 'delivered' WHERE kind = 'case'")
        for step, (summary, (status, reason)) in enumerate(zip(cases, moves, strict=False), 1):
            apply_case_status(
                conn,
                {
                    "case_id": summary.case_id,
                    "case_no": f"SC511502-2026-{step:05d}",
                    "step": step,
                    "status": status,
                    "reason": reason,
                    "result": None,
                    "at": clock.now().isoformat(timespec="seconds"),
                },
                vault=services.vault,
            )
