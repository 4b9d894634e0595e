"""The programs that speak and play: espeak-ng writes a WAV, a system player plays it.

Both are plain callables, so the kiosk, the hall speaker and the tests inject what they
need (a list that records WAVs instead of a sound card, a synthesiser that writes tones).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

VOICE_NAME = "cmn-latn-pinyin"

Synthesiser = Callable[[str, Path], None]
Player = Callable[[Path], None]


class VoiceError(Exception):
    """A sentence could not be synthesised or played; the message names the program and cause."""


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
