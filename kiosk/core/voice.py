"""Spoken guidance in Mandarin: espeak-ng's ``cmn-latn-pinyin`` voice fed with pypinyin.

espeak-ng's ``cmn`` voice reads Han characters but says digits in English, so every
sentence is turned into tone-numbered pinyin (``ni3 hao3``) first, with digits spelled
as Chinese numbers and ticket letters as their usual Mandarin names. Each sentence is
synthesised once to a WAV file named by its hash in the cache folder, then played with
an injected player (``aplay`` on the appliance; a list in tests). Off is off: with the
voice toggle off nothing is synthesised or played.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

__all__ = ["Voice", "VoiceError", "espeak_synthesiser", "system_player", "to_pinyin"]

log = logging.getLogger(__name__)

VOICE_NAME = "cmn-latn-pinyin"
_DIGITS = "零一二三四五六七八九"
# English letter names as Mandarin speakers say them, in tone-numbered pinyin.
_LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu1", "G": "ji4",
    "H": "ai1 qi1", "I": "ai4", "J": "zhei4", "K": "kei4", "L": "ai2 le5", "M": "ai2 mu5",
    "N": "en1", "O": "ou1", "P": "pi4", "Q": "kiu1", "R": "a4", "S": "ai2 si1", "T": "ti4",
    "U": "you1", "V": "wei1", "W": "da2 bu5 liu1", "X": "ai2 ke4 si1", "Y": "wai4", "Z": "zei4",
}  # fmt: skip
_TOKEN = re.compile(r"[A-Za-z]+|\d+|[\u3400-\u9fff]+|[，。！？；：、,.!?;:]|\s+|.", re.S)
_PAUSE = re.compile(r"[，。！？；：、,.!?;:]")

Synthesiser = Callable[[str, Path], None]
Player = Callable[[Path], None]


class VoiceError(Exception):
    """A sentence could not be synthesised or played; the message names the program and cause."""


def cardinal(number: int) -> str:
    """0..99999999 in Chinese numerals as read aloud: 3 -> 三, 15 -> 十五, 105 -> 一百零五."""
    if number < 10:
        return _DIGITS[number]
    if number >= 10**8:
        return "".join(_DIGITS[int(d)] for d in str(number))
    if number >= 10**4:
        high, low = divmod(number, 10**4)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + cardinal(low)
        return cardinal(high) + "万" + rest
    units = ["", "十", "百", "千"]
    out = ""
    zero = False
    for power in range(3, -1, -1):
        digit = number // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + units[power]
    return out[1:] if out.startswith("一十") else out


def _say_digits(run: str) -> str:
    """Codes (leading zero, or five digits and more) digit by digit; amounts as numbers."""
    if run.startswith("0") and len(run) > 1 or len(run) > 4:
        return "".join(_DIGITS[int(d)] for d in run)
    return cardinal(int(run))


def _pinyin_tone3(text: str) -> list[str]:
    # pypinyin loads its phrase tables (~0.4 s) on import: only when something is spoken,
    # not in every process that builds the services (each `bianmin queue take`).
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def to_pinyin(text: str) -> str:
    """The sentence as espeak-ng's ``cmn-latn-pinyin`` reads it: ``A003`` -> ``ei1 ling2 ling2 san1``."""
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token.isspace():
            continue
        if token.isdigit():
            token = _say_digits(token)
        if _PAUSE.fullmatch(token):
            if words and words[-1] != ",":
                words.append(",")
        elif token.isascii() and token.isalpha():
            words += [_LETTERS[ch] for ch in token.upper()]
        elif any("\u3400" <= ch <= "\u9fff" for ch in token):
            words += _pinyin_tone3(token)
    while words and words[-1] == ",":
        words.pop()
    return " ".join(words)


def espeak_synthesiser(program: str = "espeak-ng", speed_wpm: int = 140) -> Synthesiser:
    """A synthesiser writing ``espeak-ng -v cmn-latn-pinyin`` output to a WAV file."""

    def synthesise(pinyin: str, wav: Path) -> None:
        try:
            subprocess.run(
                [program, "-v", VOICE_NAME, "-s", str(speed_wpm), "-w", str(wav), pinyin],
                check=True,
                capture_output=True,
                timeout=20,
            )
        except FileNotFoundError:
            raise VoiceError(f"{program}: not installed (apt-get install espeak-ng)") from None
        except subprocess.CalledProcessError as exc:
            err = exc.stderr.decode(errors="replace").strip()
            raise VoiceError(f"{program} exit {exc.returncode}: {err}") from None
        except subprocess.TimeoutExpired:
            raise VoiceError(f"{program}: no answer within 20 s") from None

    return synthesise


def system_player() -> Player | None:
    """``aplay``/``paplay``/``pw-play`` if one is installed, else None (no sound device)."""
    for program in ("pw-play", "paplay", "aplay"):
        path = shutil.which(program)
        if path:
            extra = ["-q"] if program == "aplay" else []
            return lambda wav, path=path: subprocess.run(  # type: ignore[misc]
                [path, *extra, str(wav)], check=False, capture_output=True, timeout=60
            )
    return None


class Voice:
    """Speaks catalogue sentences; each is synthesised once into ``cache_dir``."""

    def __init__(
        self,
        cache_dir: Path,
        player: Player | None,
        synthesiser: Synthesiser | None = None,
        enabled: bool = True,
    ) -> None:
        self.cache_dir = cache_dir
        self.player = player
        self.synthesiser = synthesiser or espeak_synthesiser()
        self.enabled = enabled
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")

    def wav_for(self, text: str) -> Path:
        """The cached WAV of ``text``, synthesised now if this is its first time."""
        pinyin = to_pinyin(text)
        digest = hashlib.sha256(f"{VOICE_NAME}\n{pinyin}".encode()).hexdigest()[:32]
        wav = self.cache_dir / f"{digest}.wav"
        with self._lock:
            if not wav.exists():
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                partial = wav.with_suffix(".part")
                self.synthesiser(pinyin, partial)
                os.replace(partial, wav)
        return wav

    def say(self, text: str) -> Path | None:
        """Speak ``text`` now (blocking); None when the voice is off or there is nothing to say."""
        if not self.enabled or not text.strip():
            return None
        wav = self.wav_for(text)
        if self.player is not None:
            self.player(wav)
        return wav

    def speak(self, text: str) -> Future[Path | None]:
        """Speak ``text`` on the voice's own thread; failures are logged, never raised."""

        def run() -> Path | None:
            try:
                return self.say(text)
            except (VoiceError, OSError, subprocess.SubprocessError) as exc:
                log.warning("voice guidance failed: %s", exc)
                return None

        return self._executor.submit(run)

    def close(self) -> None:
        """Stop the voice thread after what it is saying."""
        self._executor.shutdown(wait=False, cancel_futures=True)
