"""The programs that speak and play: espeak-ng writes a WAV, a system player plays it on
the sound card set up (``[sound] device``), amixer sets its volume.

Both are plain callables, so the kiosk, the hall speaker and the tests inject what they
need (a list that records WAVs instead of a sound card, a synthesiser that writes tones).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

VOICE_NAME = "cmn-latn-pinyin"
PROC_CARDS = Path("/proc/asound/cards")
MIXER_CONTROLS = ("Master", "PCM", "Speaker", "Headphone")

log = logging.getLogger(__name__)

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


def system_player(device: str = "default") -> Player | None:
    """A player for ``device`` (``[sound] device``), or None when none is installed.

    ``default`` plays on the system's default output with ``pw-play``, ``paplay`` or
    ``aplay``, whichever is installed; a card (``hw:N``) plays with ``aplay`` on that
    card. A player that fails raises :class:`VoiceError` with the program's own words."""
    programs = ("pw-play", "paplay", "aplay") if device == "default" else ("aplay",)
    for program in programs:
        path = shutil.which(program)
        if path:
            extra = ["-q"] if program == "aplay" else []
            if device != "default":
                extra += ["-D", f"plug{device}"]  # plughw:N converts rates and channels
            return lambda wav, command=[path, *extra]: _play(command, wav)
    return None


def _play(command: list[str], wav: Path) -> None:
    try:
        done = subprocess.run([*command, str(wav)], capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise VoiceError(f"{Path(command[0]).name}: still playing after 60 s") from None
    if done.returncode != 0:
        err = done.stderr.decode(errors="replace").strip()
        raise VoiceError(f"{Path(command[0]).name} exit {done.returncode}: {err}")


def sound_cards(cards_file: Path = PROC_CARDS) -> list[tuple[str, str]]:
    """The ALSA sound cards as (``hw:N``, name), from ``/proc/asound/cards``."""
    try:
        lines = cards_file.read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:  # " 1 [Speaker        ]: USB-Audio - USB Speaker": driver - name
        number, _, rest = line.strip().partition(" ")
        if number.isdigit():
            name = rest.partition(":")[2].strip() or rest.strip()
            found.append((f"hw:{number}", name.partition(" - ")[2].strip() or name))
    return found


def set_volume(device: str, percent: int) -> str:
    """Set the playback volume of ``device`` (``default`` or ``hw:N``) to ``percent``;
    the mixer control that was set. Raises :class:`VoiceError` when none could be."""
    program = shutil.which("amixer")
    if program is None:
        raise VoiceError("amixer: not installed (apt-get install alsa-utils)")
    card = ["-c", device.removeprefix("hw:")] if device.startswith("hw:") else []

    def amixer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [program, *card, *args], capture_output=True, text=True, timeout=10, check=False
        )

    listed = amixer("scontrols")
    if listed.returncode != 0:
        raise VoiceError(f"amixer on {device}: {listed.stderr.strip()}")
    controls = [line.split("'")[1] for line in listed.stdout.splitlines() if line.count("'") >= 2]
    # The card's main control first: built-in cards have Master, USB speakers PCM or Speaker.
    ranked = [c for c in MIXER_CONTROLS if c in controls] + [
        c for c in controls if c not in MIXER_CONTROLS
    ]
    level = f"{max(0, min(100, percent))}%"
    for control in ranked:
        if amixer("-q", "sset", control, level, "unmute").returncode == 0:
            return control
        if amixer("-q", "sset", control, level).returncode == 0:  # a control with no switch
            return control
    raise VoiceError(f"amixer on {device}: no playback volume among {controls or 'no controls'}")


@dataclass(frozen=True)
class SoundSystem:
    """How sound reaches the speakers: the cards there are, a player for one, its volume.

    The kiosk uses the machine's (ALSA through ``system_player`` and ``set_volume``); the
    tour and tests give their own, which record instead of playing."""

    player: Callable[[str], Player | None] = system_player
    volume: Callable[[str, int], str] = set_volume
    cards_file: Path = PROC_CARDS

    def cards(self) -> list[tuple[str, str]]:
        """The sound cards as (``hw:N``, name)."""
        return sound_cards(self.cards_file)

    def output(self, device: str, volume: int) -> Player | None:
        """The player for ``[sound] device``, after setting its volume (``[sound] volume``;
        0 leaves the mixer as it is). A volume that cannot be set is logged, never
        fatal: the kiosk still speaks at the level the card has."""
        if volume:
            try:
                self.volume(device, volume)
            except (VoiceError, OSError, subprocess.SubprocessError) as exc:
                log.warning("sound volume not set to %d%%: %s", volume, exc)
        return self.player(device)
