"""Home screen, looks, idle wipe and the error edge, driven by touch in a real window."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.ui.theme import MIN_TOUCH_PX
from tests.ui_fixtures import (  # noqa: F401
    dp,
    kiosk_fixture,
    printer_fixture,
    reader_fixture,
    spoken_fixture,
)


def test_home_shows_six_big_tiles_site_name_and_clock(kiosk, tmp_path):
    home = kiosk.screen
    assert home.name == "home"
    for tile in ("take_number", "guide", "apply", "progress", "rating", "unsolved"):
        widget = kiosk.find(id=tile)
        assert widget.width >= dp(MIN_TOUCH_PX) and widget.height >= dp(MIN_TOUCH_PX)
    assert kiosk.shows("测试镇便民服务中心")
    # The clock reads 01:00 UTC; a villager in Sichuan reads the local time and date.
    assert kiosk.find(id="clock").text == "09:00"
    assert kiosk.shows("11月23日 星期一")
    kiosk.screenshot(tmp_path / "home.png")


def test_the_home_clock_turns_to_the_next_day_at_local_midnight_not_at_utc(kiosk, clock):
    clock.set(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))  # 00:30 on Tuesday the 24th there
    kiosk.wait_until(lambda: kiosk.find(id="clock").text == "00:30", what="the clock ticking")
    assert kiosk.shows("11月24日 星期二") and not kiosk.shows("11月23日")


def test_large_font_mode_scales_text_and_switches_to_high_contrast(kiosk):
    notice = kiosk.find(id="notice")
    before = notice.font_size
    kiosk.tap(id="large_font")
    assert kiosk.app.large
    assert notice.font_size >= before * 1.29
    assert kiosk.app.pal["background"][:3] == [0, 0, 0]
    kiosk.tap(id="large_font")
    assert notice.font_size == before


def test_voice_toggle_silences_the_prompts(kiosk, spoken):
    kiosk.tap(id="voice")
    assert not kiosk.app.voice_on and not kiosk.app.voice.enabled
    kiosk.app.say("您好")
    kiosk.tap(id="voice")
    kiosk.wait_until(lambda: spoken.sentences, what="the home prompt spoken")
    assert "nin2 hao3" not in spoken.sentences


def test_idle_countdown_then_home_with_personal_data_wiped(kiosk, clock):
    countdown = kiosk.app.site.ui.countdown_s  # 30: time to find a paper in a bag
    kiosk.app.session.application.keyed_id_number("11010519491231002X")
    clock.advance(seconds=60)
    kiosk.wait_until(lambda: kiosk.shows(f"{countdown} 秒后回到首页"), what="the idle countdown")
    assert kiosk.shows("您还要接着办吗")
    clock.advance(seconds=countdown - 5)
    kiosk.wait_until(lambda: kiosk.shows("5 秒后回到首页"), what="the countdown moving")
    clock.advance(seconds=5)
    kiosk.wait_until(lambda: not kiosk.overlays(), what="the countdown closing")
    assert kiosk.screen.name == "home"
    assert not kiosk.app.session.has_personal_data


def test_a_touch_during_the_countdown_keeps_the_session(kiosk, clock):
    kiosk.app.session.application.keyed_id_number("11010519491231002X")
    clock.advance(seconds=62)
    kiosk.wait_until(lambda: kiosk.overlays(), what="the idle countdown")
    kiosk.tap(id="keep")
    kiosk.wait_until(lambda: not kiosk.overlays(), what="the countdown closing")
    clock.advance(seconds=30)
    kiosk.pump(3)
    assert kiosk.app.session.application.applicant is not None


def test_an_exception_at_the_screen_edge_shows_plain_chinese_not_a_traceback(kiosk):
    from kiosk.core.queue import QueueClosed

    kiosk.app.guard(lambda: 1 / 0)
    assert kiosk.shows("系统出了点问题")
    assert not kiosk.shows("ZeroDivisionError") and not kiosk.shows("Traceback")
    kiosk.tap(id="ok")
    assert not kiosk.overlays()
    closed = QueueClosed("outside 08:30-17:30", open="08:30", close="17:30")
    kiosk.app.guard(lambda: (_ for _ in ()).throw(closed))
    assert kiosk.shows("办公时间是 08:30 到 17:30")


def shown(widget) -> bool:
    """True unless the widget or one of its parents is invisible (a hidden section)."""
    while widget is not None:
        if widget.opacity == 0:
            return False
        widget = widget.parent if widget.parent is not widget else None
    return True


def small_touch_targets(kiosk) -> list[str]:
    """Buttons on show smaller than the 20 mm target (170 design px) in either direction."""
    smallest = dp(MIN_TOUCH_PX) - 1
    return [
        f"{kiosk.screen.name}: {getattr(w, 'text', '')[:20]!r} {w.size}"
        for w in kiosk.visible_widgets()
        if hasattr(w, "on_press") and shown(w) and not w.disabled and min(w.size) < smallest
    ]


def test_every_button_on_the_main_screens_is_a_20_mm_target(kiosk):
    problems = small_touch_targets(kiosk)
    kiosk.tap(id="take_number")
    problems += small_touch_targets(kiosk)
    kiosk.tap("社保医保")
    problems += small_touch_targets(kiosk)
    for screen in ("appointment", "guide", "search", "apply", "id_entry", "rating", "unsolved"):
        kiosk.app.go_home()
        kiosk.app.go(screen)
        kiosk.pump(3)
        problems += small_touch_targets(kiosk)
    kiosk.app.screen("items").load_theme("医疗保障")
    kiosk.app.go("items")
    kiosk.wait_until(lambda: kiosk.app.screen("items").hits, what="the items")
    kiosk.pump(3)
    problems += small_touch_targets(kiosk)
    assert problems == []
