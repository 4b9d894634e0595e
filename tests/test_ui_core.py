"""The kiosk's non-Kivy parts: contrast, palettes, session wipe, idle timer, voice."""

from __future__ import annotations

import dataclasses
import shutil
import wave

import pytest

from kiosk.core.contrast import AA_NORMAL_TEXT, contrast_ratio, parse_hex
from kiosk.core.flows import Flows
from kiosk.core.messages import Messages
from kiosk.core.session import IdlePhase, IdleTimer, KioskSession
from kiosk.core.voice import Voice, cardinal, espeak_synthesiser, to_pinyin
from kiosk.ui.theme import HIGH_CONTRAST, LARGE_FACTOR, NORMAL, NORMAL_TYPE, look
from tests.clocks import ManualClock


@pytest.mark.parametrize(
    ("fg", "bg", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#777777", "#ffffff", 4.48)],
)
def test_contrast_ratio_matches_wcag_reference_values(fg, bg, ratio):
    assert contrast_ratio(fg, bg) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(bg, fg) == pytest.approx(ratio, abs=0.01)


def test_parse_hex_rejects_other_forms():
    with pytest.raises(ValueError, match="not an #rrggbb colour"):
        parse_hex("#fff")


@pytest.mark.parametrize("palette", [NORMAL, HIGH_CONTRAST], ids=["normal", "high_contrast"])
def test_every_text_colour_meets_wcag_aa(palette):
    for name, fg, bg in palette.text_pairs():
        assert contrast_ratio(fg, bg) >= AA_NORMAL_TEXT, name


def test_large_font_mode_scales_every_size_and_switches_palette():
    large = look(True)
    assert large.palette is HIGH_CONTRAST
    for field in dataclasses.fields(NORMAL_TYPE):
        normal_size = getattr(NORMAL_TYPE, field.name)
        assert getattr(large.type, field.name) == round(normal_size * LARGE_FACTOR)


def test_session_clear_forgets_everything_personal(config):
    from devices.idcard import load_cards
    from kiosk.resources import data_path

    card = load_cards(data_path("assets") / "sim" / "cards.toml")[1]  # 李秀芳
    session = KioskSession(Flows(config, Messages("zh_CN"), ManualClock()))
    assert not session.has_personal_data
    session.application.card_read(card)
    session.take_number.choose_service("social")
    assert session.has_personal_data
    assert card.name not in repr(session) and card.id_number[6:14] not in repr(session)
    assert card.name not in repr(session.application.applicant)
    session.clear()
    assert not session.has_personal_data
    assert session.application.applicant is None


def test_idle_timer_counts_down_then_expires_and_a_touch_restarts_it():
    clock = ManualClock()
    idle = IdleTimer(clock, idle_s=60, countdown_s=10)
    clock.advance(seconds=59.9)
    assert idle.phase() is IdlePhase.ACTIVE
    clock.advance(seconds=0.2)
    assert idle.phase() is IdlePhase.COUNTDOWN and idle.seconds_left() == 10
    clock.advance(seconds=5)
    assert idle.seconds_left() == 5
    idle.touch()
    assert idle.phase() is IdlePhase.ACTIVE
    clock.advance(seconds=70)
    assert idle.phase() is IdlePhase.EXPIRED and idle.seconds_left() == 0


def test_the_countdown_starts_at_idle_s_exactly_and_the_wipe_at_its_end():
    clock = ManualClock()
    idle = IdleTimer(clock, idle_s=60, countdown_s=10)
    clock.advance(seconds=60)
    assert idle.phase() is IdlePhase.COUNTDOWN and idle.seconds_left() == 10
    clock.advance(seconds=9.5)
    assert idle.phase() is IdlePhase.COUNTDOWN and idle.seconds_left() == 1  # rounded up
    clock.advance(seconds=0.5)
    assert idle.phase() is IdlePhase.EXPIRED and idle.seconds_left() == 0


@pytest.mark.parametrize(
    ("text", "pinyin"),
    [
        ("您的号码是 A003", "nin2 de5 hao4 ma3 shi4 ei1 ling2 ling2 san1"),
        ("前面还有 3 人。", "qian2 mian4 hai2 you3 san1 ren2"),
        ("约 15 分钟", "yue1 shi2 wu3 fen1 zhong1"),
        ("编号 20261123", "bian1 hao4 er4 ling2 er4 liu4 yi1 yi1 er4 san1"),
        ("好，请取票", "hao3 , qing3 qu3 piao4"),
    ],
)
def test_sentences_become_tone_numbered_pinyin_with_chinese_digits(text, pinyin):
    assert to_pinyin(text) == pinyin


def test_cardinal_numbers_read_as_spoken():
    assert [cardinal(n) for n in (0, 10, 12, 20, 105, 1010, 10001)] == [
        "零", "十", "十二", "二十", "一百零五", "一千零一十", "一万零一",
    ]  # fmt: skip


def fake_synthesiser(calls):
    def synthesise(pinyin, wav):
        calls.append(pinyin)
        wav.write_bytes(b"RIFF" + pinyin.encode())

    return synthesise


def test_voice_synthesises_each_sentence_once_and_plays_it(tmp_path):
    calls, played = [], []
    voice = Voice(tmp_path / "voice", played.append, fake_synthesiser(calls))
    first = voice.say("请取号")
    second = voice.say("请取号")
    assert first == second and played == [first, second]
    assert calls == ["qing3 qu3 hao4"]


def test_voice_off_says_nothing_and_synthesises_nothing(tmp_path):
    calls, played = [], []
    voice = Voice(tmp_path / "voice", played.append, fake_synthesiser(calls), enabled=False)
    assert voice.say("请取号") is None
    assert calls == [] and played == []


def test_espeak_writes_a_playable_wav(tmp_path):
    # espeak-ng is among make's system packages: a missing one fails here, never skips.
    assert shutil.which("espeak-ng"), "apt-get install espeak-ng (make test does, as root)"
    played = []
    voice = Voice(tmp_path, played.append, espeak_synthesiser())
    wav_path = voice.speak("您的号码是 A003").result(timeout=30)
    with wave.open(str(wav_path)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.5
    assert played == [wav_path]
    voice.close()
