"""What a villager sees, hears and takes home, one test per class of defect of issue 13.

Each test drives the real kiosk by touch and asserts on the screen's texts, on what the
voice said and on the printed paper, never on how the code is built, so each one fails
on the kiosk as it was before the second pass (the commit before it was merged) by
what a villager would have met. The helpers below work on both.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from devices.printer import PrinterState
from tests.conftest import bianmin, write_site
from tests.ui_fixtures import (  # noqa: F401
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)

REFERRAL = "511500-0201-03"  # 异地就医备案
YOUNGER = 1  # 李秀芳's card among the simulator's samples
REFERENCE = re.compile(r"\b[A-Z]{2}-\d{4}-\d{3}\b")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


# -- what shows --------------------------------------------------------------------------------


def showing(widget, root) -> bool:
    """True when nothing between ``widget`` and ``root`` is invisible or squeezed to nothing."""
    while widget is not None and widget != root:
        if widget.opacity == 0 or widget.width < 2 or widget.height < 2:
            return False
        widget = widget.parent
    return True


def seen(kiosk) -> list[str]:
    """The texts a villager can see now (top overlay, else the screen)."""
    top = kiosk.overlays()
    root = top[0] if top else kiosk.screen
    return [w.text for w in root.walk() if getattr(w, "text", "") and showing(w, root)]


def sees(kiosk, fragment: str) -> bool:
    return any(fragment in text for text in seen(kiosk))


def said(spoken, words: str) -> bool:
    """True when the voice said ``words`` (the voice speaks tone-numbered pinyin)."""
    pinyin = " ".join(lazy_pinyin(words, style=Style.TONE3, neutral_tone_with_five=True))
    return any(pinyin in sentence for sentence in spoken.sentences)


def paper(job) -> str:
    """A printed job's text as one line (a wrapped line joined again)."""
    return job.text.replace("\n", "")


def keys(kiosk) -> dict[str, object]:
    """The keypad keys on show, by value (digits, X, backspace, clear, letters)."""
    kiosk.pump(3)  # a page just shown is laid out
    root = kiosk.screen
    return {
        w.value: w
        for w in root.walk()
        if type(w).__name__ == "KeypadKey" and showing(w, root) and getattr(w, "value", "")
    }


def tap_if_there(kiosk, *, id: str) -> bool:
    try:
        widget = kiosk.find(id=id)
    except LookupError:
        return False
    if not showing(widget, kiosk.screen):
        return False
    kiosk.tap(widget)
    return True


# -- a villager's ways through -------------------------------------------------------------------


def start_applying(kiosk) -> None:
    """我要办 异地就医备案: the card screen, the item chosen."""
    kiosk.tap(id="apply")
    kiosk.app.screen("apply").start(REFERRAL)
    kiosk.wait_until(
        lambda: kiosk.screen.name == "apply" and sees(kiosk, "异地就医备案"), what="the card screen"
    )


def to_the_form(kiosk, reader) -> None:
    """我要办 异地就医备案 with 李秀芳's card, up to the first field (the phone)."""
    start_applying(kiosk)
    reader.simulator.place(YOUNGER)
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    kiosk.tap(id="me")
    kiosk.wait_until(lambda: kiosk.screen.name == "form" and kiosk.shows("联系电话"))


def type_digits(kiosk, digits: str) -> None:
    kiosk.wait_until(lambda: digits[0] in keys(kiosk), what="the keypad")
    pad = keys(kiosk)
    for digit in digits:
        kiosk.tap(pad[digit])


def from_the_phone_to_the_place(kiosk) -> None:
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案类型"), what="the choice page")
    kiosk.tap("异地转诊就医")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("就医地"), what="the place page")


def from_the_place_to_the_date(kiosk) -> None:
    pick_a_place(kiosk)
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.shows("备案开始日期"), what="the date page")


def from_the_date_to_submitted(kiosk) -> None:
    tap_if_there(kiosk, id="today")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "materials", what="the materials page")
    kiosk.tap("居民身份证")
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: kiosk.screen.name == "review", what="the review page")
    kiosk.tap(id="submit")


def to_the_place(kiosk, reader) -> None:
    to_the_form(kiosk, reader)
    type_digits(kiosk, "13812345678")
    from_the_phone_to_the_place(kiosk)


def pick_a_place(kiosk) -> None:
    """三台县 in 绵阳市, 四川省: by province, city and county, or (as it was) what was offered."""
    for offered in ("四川省绵阳市三台县", "到窗口向工作人员说明"):
        if sees(kiosk, offered) and not sees(kiosk, "四川省"):
            kiosk.tap(offered)
            return
    for place, then in (("四川省", "绵阳市"), ("绵阳市", "三台县"), ("三台县", "")):
        kiosk.tap(place)
        if then:
            kiosk.wait_until(lambda t=then: sees(kiosk, t), what=then)


def to_the_receipt(kiosk, reader) -> None:
    """The whole application, submitted: the receipt screen."""
    to_the_place(kiosk, reader)
    from_the_place_to_the_date(kiosk)
    from_the_date_to_submitted(kiosk)
    kiosk.wait_until(lambda: kiosk.screen.name == "receipt", what="the receipt")


def take_a_ticket(kiosk, service: str, reason: str = "ordinary") -> None:
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.screen.name == "queue", what="the services")
    kiosk.tap(service)
    kiosk.wait_until(lambda: kiosk.screen.name == "priority", what="the green channel")
    kiosk.tap(id=reason)
    kiosk.wait_until(lambda: kiosk.screen.name == "ticket", what="the ticket")


# -- wrong or misleading ------------------------------------------------------------------------


def test_a_place_is_chosen_by_the_villager_never_filled_from_the_card(kiosk, printer, reader):
    to_the_place(kiosk, reader)
    home_address = reader.simulator.cards[YOUNGER].address
    assert not sees(kiosk, home_address)  # 就医地 is where the treatment is, not home
    assert kiosk.find(id="shown").text in ("", "请选择")  # nothing chosen for her
    assert all(sees(kiosk, p) for p in ("四川省", "重庆市", "云南省"))  # provinces to tap


def test_offline_the_screen_the_voice_and_the_paper_say_saved_not_accepted(
    kiosk, printer, reader, spoken
):
    to_the_receipt(kiosk, reader)
    kiosk.wait_until(lambda: sees(kiosk, "已保存，等待上报"), what="the stage")
    assert not any("受理" in text for text in seen(kiosk))
    kiosk.wait_until(lambda: said(spoken, "已保存"), what="the stage said")
    assert not said(spoken, "已受理")
    (job,) = printer.wait_for_jobs(1)
    text = paper(job)
    assert "已保存，等待上报" in text and "受理" not in text
    assert "已收材料" not in text  # the kiosk took no papers
    assert "上报后 1 个工作日" in text and "承诺办结" not in text
    assert all("bianmin:case:" not in line.text for line in job.lines)  # no QR a phone can't open


def test_the_reference_is_short_shown_printed_and_found_again(kiosk, printer, reader):
    to_the_receipt(kiosk, reader)
    shown = [m.group() for t in seen(kiosk) for m in REFERENCE.finditer(t)]
    assert shown, seen(kiosk)
    reference = shown[0]
    (job,) = printer.wait_for_jobs(1)
    assert reference in paper(job) and not UUID.search(paper(job))
    kiosk.tap(id="rate")  # the rating names the service and the day, not a code
    kiosk.wait_until(lambda: kiosk.screen.name == "rating", what="the rating")
    assert sees(kiosk, "异地就医备案") and sees(kiosk, "2026年11月23日")
    assert not any(UUID.search(t) or REFERENCE.search(t) for t in seen(kiosk))
    kiosk.app.go_home()
    kiosk.tap(id="progress")
    kiosk.tap(id="reference")
    type_digits(kiosk, "".join(ch for ch in reference if ch.isdigit()))
    kiosk.tap(id="ok")
    kiosk.wait_until(lambda: sees(kiosk, "异地就医备案"), what="the case found by its reference")


def test_a_number_keyed_without_a_card_prints_no_masked_stand_in_name(kiosk, printer, reader):
    start_applying(kiosk)
    kiosk.tap(id="manual")
    type_digits(kiosk, "510722198603052620")
    kiosk.tap(id="ok")
    kiosk.wait_until(lambda: kiosk.screen.name == "confirm", what="the confirm screen")
    name_slot = kiosk.find(id="name").text
    kiosk.tap(id="me")
    kiosk.wait_until(lambda: kiosk.screen.name == "form", what="the form")
    type_digits(kiosk, "13812345678")
    from_the_phone_to_the_place(kiosk)
    from_the_place_to_the_date(kiosk)
    from_the_date_to_submitted(kiosk)
    (job,) = printer.wait_for_jobs(1)
    text = paper(job)
    assert "待*" not in text  # the stand-in 待窗口核实 is nobody's name: never masked as one
    assert "待窗口核实" in text and "请带身份证到" in text  # and the card is checked first
    assert name_slot != "待窗口核实"  # the confirm screen did not show it as her name


# -- next steps and help -------------------------------------------------------------------------


def test_every_result_says_what_to_do_next_on_screen_and_paper(kiosk, printer):
    take_a_ticket(kiosk, "社保医保")
    where = "请到 1号窗口、2号窗口 前等候，叫到 A001 再去办理。"
    assert sees(kiosk, where)
    (job,) = printer.wait_for_jobs(1)
    assert where in paper(job)
    kiosk.tap(id="done")
    kiosk.tap(id="unsolved")
    kiosk.tap(id="kind_materials")
    kiosk.tap(id="skip_phone")
    kiosk.wait_until(lambda: sees(kiosk, "号窗口"), what="where to go next")


def test_help_and_the_header_tools_are_on_every_screen_and_staff_see_the_call(
    kiosk, printer, reader, spoken, tmp_path
):
    for screen in ("home", "queue", "guide", "progress", "rating", "unsolved"):
        kiosk.app.go(screen) if screen != "home" else kiosk.app.go_home()
        kiosk.wait_until(lambda s=screen: kiosk.screen.name == s, what=screen)
        kiosk.pump(3)
        for tool in ("找工作人员", "字大一点", "关闭声音", "再听一遍"):
            assert sees(kiosk, tool), (screen, tool)
    kiosk.wait_until(lambda: spoken.played, what="the prompt said")
    last = spoken.played[-1]
    kiosk.tap("再听一遍")
    kiosk.wait_until(lambda: spoken.played.count(last) > 1, what="the prompt said again")
    kiosk.tap("找工作人员")
    kiosk.wait_until(lambda: kiosk.overlays(), what="the answer")
    assert sees(kiosk, "1号窗口、5号窗口") or sees(kiosk, "1号窗口")
    assert not sees(kiosk, "已经通知")  # nothing tells the hall yet: no false promise
    site = tmp_path / "site.toml"
    kiosk.wait_until(lambda: "help_wanted" in bianmin("status", site_file=site).stdout)
    assert "help_wanted" in bianmin("doctor", "staff_alerts", site_file=site).stdout


def test_out_of_paper_the_number_stays_is_said_and_reprints_and_staff_see_it(
    kiosk, printer, spoken, tmp_path
):
    printer.state = PrinterState.PAPER_OUT
    take_a_ticket(kiosk, "社保医保")
    kiosk.wait_until(lambda: sees(kiosk, "请记住您的号码 A001"), what="the number to remember")
    assert sees(kiosk, "A001")
    kiosk.wait_until(lambda: said(spoken, "请记住您的号码"), what="the number said")
    assert not sees(kiosk, "二维码") and printer.jobs == []  # nothing to photograph
    status = bianmin("status", site_file=tmp_path / "site.toml").stdout
    assert "printer_fault" in status
    printer.state = PrinterState.READY
    kiosk.tap("重新打印")
    (job,) = printer.wait_for_jobs(1)
    assert "A001" in paper(job)


def test_the_green_channel_ticket_keeps_its_number_with_a_mark(kiosk, printer):
    take_a_ticket(kiosk, "民政救助", reason="disability")
    assert kiosk.find(id="number").text == "B001" and sees(kiosk, "绿色通道")
    (job,) = printer.wait_for_jobs(1)
    assert "B001" in paper(job) and "VB001" not in paper(job) and "绿色通道" in paper(job)


# -- consistency ---------------------------------------------------------------------------------


def test_result_screens_have_no_way_back_into_the_step_before(kiosk, printer, reader):
    take_a_ticket(kiosk, "户籍办理")
    assert not sees(kiosk, "返回") and sees(kiosk, "完成")  # 返回 took a second ticket


def test_one_way_back_per_screen_and_home_always_in_the_same_place(kiosk, printer):
    def header():
        home, back = kiosk.find(id="home"), kiosk.find(id="back")
        return round(home.x), showing(back, kiosk.screen)

    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.screen.name == "queue", what="the services")
    kiosk.pump(3)
    first_level = header()
    assert first_level[1] is False  # 返回 would go home: 首页 alone
    kiosk.tap("社保医保")
    kiosk.wait_until(lambda: kiosk.screen.name == "priority", what="the green channel")
    kiosk.pump(3)
    assert header() == (first_level[0], True)  # 返回 beside 首页, which has not moved
    kiosk.tap(id="back")
    kiosk.wait_until(lambda: kiosk.screen.name == "queue", what="back to the services")
    kiosk.app.go_home()
    kiosk.tap(id="guide")
    kiosk.wait_until(lambda: sees(kiosk, "按部门主题找"), what="the guide")
    kiosk.pump(3)
    assert header()[1] is False
    kiosk.tap("按部门主题找")
    kiosk.wait_until(lambda: showing(kiosk.find(id="back"), kiosk.screen), what="返回 to page 1")
    kiosk.tap(id="back")
    kiosk.wait_until(lambda: sees(kiosk, "常办事项") and header()[1] is False, what="page 1")
    assert kiosk.screen.name == "guide"


def test_home_tiles_carry_pictures_for_those_who_read_little(kiosk):
    tiles = ("take_number", "guide", "apply", "progress", "rating", "unsolved")
    pictures = [kiosk.find(id=tile).picture for tile in tiles]
    assert all(p is not None for p in pictures)
    assert len({bytes(p.pixels) for p in pictures}) == len(tiles)  # six different pictures
    kiosk.pump(3)
    assert all(kiosk.find(id=tile).icon > 40 for tile in tiles)  # drawn, not squeezed away


def test_one_keypad_everywhere_with_words_that_say_what_a_key_does(kiosk, printer, reader):
    def layout():
        """Each key's column and row (counted from the top left) on the pad on show."""
        pad = keys(kiosk)
        xs = sorted({round(k.x) for k in pad.values()})
        ys = sorted({round(k.y) for k in pad.values()}, reverse=True)
        return {v: (xs.index(round(k.x)), ys.index(round(k.y))) for v, k in pad.items()}, pad

    start_applying(kiosk)
    kiosk.tap(id="manual")
    kiosk.wait_until(lambda: "X" in keys(kiosk), what="the ID pad")
    id_pad, pad = layout()
    labels = " ".join(k.text for k in pad.values())
    assert "删一个" in labels and "全删" in labels and "退格" not in labels
    assert "X" in id_pad and "身份证" in pad["X"].text  # X is a key of its own, labelled
    kiosk.app.go_home()
    kiosk.tap(id="take_number")
    kiosk.tap(id="appointment")
    kiosk.wait_until(lambda: "0" in keys(kiosk) and "X" not in keys(kiosk), what="the code pad")
    code_pad, _ = layout()
    shared = set(code_pad) & set(id_pad)
    assert shared >= set("0123456789") and all(code_pad[v] == id_pad[v] for v in shared)


def test_forms_count_every_page_say_what_is_missing_and_read_dates_and_phones(
    kiosk, printer, reader
):
    to_the_form(kiosk, reader)
    assert sees(kiosk, "第 3 步，共 8 步")  # the card and 是我本人 count too
    type_digits(kiosk, "1381234")
    assert kiosk.find(id="shown").text == "138 1234"  # grouped as people read it
    kiosk.tap(id="next")
    kiosk.wait_until(lambda: sees(kiosk, "还差 4 位"), what="what is missing")
    type_digits(kiosk, "5678")
    from_the_phone_to_the_place(kiosk)
    from_the_place_to_the_date(kiosk)
    assert not re.search(r"\d{4}", kiosk.find(id="shown").text)  # no date chosen for her
    kiosk.tap("今天")
    assert kiosk.find(id="shown").text == "2026年11月23日 星期一"


def test_the_same_words_on_screen_and_paper(kiosk, printer):
    take_a_ticket(kiosk, "户籍办理")
    kiosk.tap(id="done")
    take_a_ticket(kiosk, "户籍办理")  # one person ahead: the wait is told
    jobs = printer.wait_for_jobs(2)
    assert sees(kiosk, "等候") and not any("等待" in t for t in seen(kiosk))
    assert "等候" in paper(jobs[1]) and "等待" not in paper(jobs[1])


# -- text that does not fit ------------------------------------------------------------------------


def test_in_large_text_every_text_fits_its_box(kiosk, printer, reader):
    from kiosk.demo.fit import misfits

    problems = []

    def check(where):
        kiosk.pump(4)
        problems.extend(f"{where}: {p}" for p in misfits(kiosk.screen))

    kiosk.tap(id="large_font")
    check("home")
    take_a_ticket(kiosk, "社保医保")
    check("ticket")
    kiosk.app.go_home()
    kiosk.tap(id="guide")
    kiosk.wait_until(lambda: kiosk.screen.name == "guide", what="the guide")
    check("guide")
    kiosk.app.go_home()
    to_the_form(kiosk, reader)
    check("form")
    assert problems == []


def test_paper_titles_are_not_smeared_and_the_materials_list_has_the_guides_qr(kiosk, printer):
    kiosk.tap(id="guide")
    kiosk.tap(id="search")
    for letter in "YDJY":
        kiosk.tap(letter)
    kiosk.wait_until(lambda: kiosk.shows("异地就医备案"), what="the search result")
    kiosk.tap("异地就医备案")
    kiosk.wait_until(lambda: kiosk.shows("所需材料"), what="the item page")
    kiosk.tap(id="print_materials")
    (job,) = printer.wait_for_jobs(1)
    assert [line for line in job.lines if line.kind == "qr"]
    big_bold = [
        line.text
        for line in job.lines
        if line.bold
        and max(line.width, line.height) > 1
        and re.search(r"[\u4e00-\u9fff]", line.text)
    ]
    assert big_bold == []


# -- finding a service without pinyin ----------------------------------------------------------------


def test_the_guide_opens_on_common_items_and_life_events(kiosk, printer):
    kiosk.tap(id="guide")
    kiosk.wait_until(lambda: sees(kiosk, "养老"), what="the guide's life events")
    assert sees(kiosk, "常办事项")
    assert all(sees(kiosk, event) for event in ("养老", "残疾", "身后事"))
    kiosk.tap("身后事")
    kiosk.wait_until(
        lambda: kiosk.screen.name == "items" and sees(kiosk, "户口注销"), what="its items"
    )


# -- what was left undone by the second pass --------------------------------------------------------


def test_the_report_reference_is_short_like_a_case_reference(kiosk, printer):
    kiosk.tap(id="unsolved")
    kiosk.tap(id="kind_materials")
    kiosk.tap(id="skip_phone")
    kiosk.wait_until(lambda: sees(kiosk, "BC"), what="the reference")
    (reference,) = [m.group() for t in seen(kiosk) for m in re.finditer(r"BC[-\d]+", t)]
    assert re.fullmatch(r"BC-\d{4}-\d{3}", reference), reference


@pytest.fixture(name="closed_kiosk")
def closed_kiosk_fixture(tmp_path, clock, spoken, printer):
    """The kiosk of a site open Monday to Friday 08:30-17:30, on a Monday at 18:00."""
    from kiosk.app import assemble_front_end
    from kiosk.config import Hours, load_config
    from kiosk.core.voice import Voice
    from kiosk.demo.driver import KioskDriver
    from kiosk.ui.app import KioskApp

    host, port = printer.listen()
    site = write_site(tmp_path, f'\n[devices.printer]\nurl = "tcp://{host}:{port}"\n')
    hours = Hours(open="08:30", close="17:30", days=[1, 2, 3, 4, 5])
    config = dataclasses.replace(load_config(site), hours=hours)
    clock.advance(hours=9)  # 09:00 -> 18:00 in Sichuan
    voice = Voice(Path(tmp_path) / "voice", player=None, synthesiser=spoken.synthesise)
    driver = KioskDriver(KioskApp(assemble_front_end(config, clock, voice=voice, background=False)))
    driver.start()
    yield driver
    driver.stop()


def test_outside_opening_hours_the_queue_says_so_before_a_tap(closed_kiosk, printer):
    kiosk = closed_kiosk
    kiosk.tap(id="take_number")
    kiosk.wait_until(lambda: kiosk.screen.name == "queue", what="the services")
    kiosk.wait_until(lambda: sees(kiosk, "现在不是办公时间"), what="the queue closed")
    assert sees(kiosk, "08:30") and sees(kiosk, "17:30")
