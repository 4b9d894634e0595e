"""Setting up sound: the sound cards, a test sentence spoken on one, at a chosen volume."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kiosk.core.messages import Messages
from kiosk.core.upkeep.setup.step import (
    Candidate,
    Finding,
    Option,
    Progress,
    SetupStep,
    report,
)
from kiosk.core.upkeep.site_file import SiteFile
from kiosk.core.voice import Voice, VoiceError, espeak_synthesiser

PROC_CARDS = Path("/proc/asound/cards")
VOLUMES = (40, 60, 80, 100)
DEFAULT_VOLUME = 80
PLAY_LIMIT_S = 30


def sound_cards(cards_file: Path = PROC_CARDS) -> list[tuple[str, str]]:
    """ALSA cards as (``hw:N``, name)."""
    try:
        lines = cards_file.read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        number, _, rest = line.strip().partition(" ")
        if number.isdigit():
            found.append((f"hw:{number}", rest.partition(":")[2].strip() or rest.strip()))
    return found


class SoundSetup(SetupStep):
    """Speaks the test sentence on a card; saves voice guidance on when it played."""

    name = "sound"
    title_key = "setup.sound.title"

    def __init__(
        self,
        site: SiteFile,
        cards_file: Path = PROC_CARDS,
        play=None,
        synthesise=None,
    ) -> None:
        super().__init__(site)
        self.cards_file = cards_file
        self._play = play or _aplay
        self._synthesise = synthesise or espeak_synthesiser()

    def candidates(self) -> list[Candidate]:
        """The system's default output and every sound card."""
        cards = [Candidate("default", "default", "the system's default output")]
        return cards + [Candidate(dev, name, dev) for dev, name in sound_cards(self.cards_file)]

    def in_force(self) -> str:
        """Whether the kiosk speaks."""
        return f"ui.voice = {str(self.config().ui.voice).lower()}"

    def options(self) -> list[Option]:
        """The volume to set before the test sentence."""
        return [Option("volume", "setup.sound.volume", "choice", VOLUMES, DEFAULT_VOLUME)]

    @property
    def limit_s(self) -> float:
        """Setting the volume, synthesising and playing the sentence."""
        return PLAY_LIMIT_S + 10

    def test(
        self,
        candidate_id: str = "default",
        progress: Progress | None = None,
        volume: int | None = None,
    ) -> Finding:
        """Set the volume (percent, when given), then speak the test sentence on the card."""
        messages = Messages(self.config().ui.language)
        notes = ()
        if volume is not None and not _set_volume(candidate_id, int(volume)):
            notes = (("setup.sound.volume_not_set", {"volume": int(volume)}),)
        report(progress, "setup.sound.speaking")
        with tempfile.TemporaryDirectory() as cache:
            voice = Voice(Path(cache), lambda wav: self._play(candidate_id, wav), self._synthesise)
            started = time.monotonic()
            try:
                voice.say(messages("setup.sound.sentence"))
            except (VoiceError, OSError, subprocess.SubprocessError) as exc:
                return Finding(
                    False, "setup.sound.failed", {"device": candidate_id}, str(exc), notes=notes
                )
            finally:
                voice.close()
        seconds = time.monotonic() - started
        return Finding(
            True,
            "setup.sound.played",
            {"device": candidate_id},
            f"{candidate_id}: test sentence spoken in {seconds:.1f} s",
            {"ui.voice": True},
            notes,
        )


def _aplay(device: str, wav: Path) -> None:
    program = shutil.which("aplay")
    if program is None:
        raise VoiceError("aplay: not installed (apt-get install alsa-utils)")
    done = subprocess.run(
        [program, "-q", "-D", device if device == "default" else f"plug{device}", str(wav)],
        capture_output=True,
        timeout=PLAY_LIMIT_S,
        check=False,
    )
    if done.returncode != 0:
        raise VoiceError(f"aplay on {device}: {done.stderr.decode(errors='replace').strip()}")


def _set_volume(device: str, percent: int) -> bool:
    program = shutil.which("amixer")
    if program is None:
        return False
    card = ["-c", device.removeprefix("hw:")] if device.startswith("hw:") else []
    done = subprocess.run(
        [program, *card, "-q", "sset", "Master", f"{max(0, min(100, percent))}%"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return done.returncode == 0
