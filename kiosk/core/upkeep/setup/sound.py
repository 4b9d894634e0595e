"""Setting up sound: the sound cards, a test sentence spoken on one at a chosen volume;
the card and the volume saved (``[sound]``) are what the kiosk and the hall speak with."""

from __future__ import annotations

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
from kiosk.core.voice import SoundSystem, Voice, VoiceError, espeak_synthesiser

VOLUMES = (40, 60, 80, 100)
DEFAULT_VOLUME = 80
PLAY_LIMIT_S = 30


class SoundSetup(SetupStep):
    """Speaks the test sentence on a card at a volume; saves the card, the volume and
    voice guidance on when the technician heard it."""

    name = "sound"
    title_key = "setup.sound.title"

    def __init__(self, site: SiteFile, sound: SoundSystem | None = None, synthesise=None) -> None:
        super().__init__(site)
        self.sound = sound or SoundSystem()
        self._synthesise = synthesise or espeak_synthesiser()

    def candidates(self) -> list[Candidate]:
        """The system's default output and every sound card, the one in use marked."""
        current = self.config().sound.device
        cards = [Candidate("default", "default", "the system's default output")]
        cards += [Candidate(dev, name, dev) for dev, name in self.sound.cards()]
        cards = [
            Candidate(c.id, c.label, c.detail, c.id == current, label_key=c.label_key)
            for c in cards
        ]
        if not any(c.current for c in cards):
            cards.append(Candidate(current, current, "", True, False))
        return cards

    def in_force(self) -> str:
        """The card and its volume, in the technician's words."""
        config = self.config()
        messages, sound = Messages(config.ui.language), config.sound
        if sound.volume:
            return messages("setup.sound.in_force", device=sound.device, volume=sound.volume)
        return messages("setup.sound.in_force_system", device=sound.device)

    def options(self) -> list[Option]:
        """The volume to set before the test sentence (the one in force, else 80%)."""
        volume = self.config().sound.volume
        return [
            Option(
                "volume",
                "setup.sound.volume",
                "choice",
                VOLUMES,
                volume if volume in VOLUMES else DEFAULT_VOLUME,
            )
        ]

    @property
    def limit_s(self) -> float:
        """Setting the volume, synthesising and playing the sentence."""
        return PLAY_LIMIT_S + 10

    def test(
        self,
        candidate_id: str = "default",
        progress: Progress | None = None,
        volume: int = DEFAULT_VOLUME,
    ) -> Finding:
        """Set the card's volume (percent), then speak the test sentence on it."""
        messages = Messages(self.config().ui.language)
        volume = int(volume)
        notes = ()
        detail = []
        try:
            detail.append(f"{self.sound.volume(candidate_id, volume)} at {volume}%")
        except (VoiceError, OSError, subprocess.SubprocessError) as exc:
            notes = (("setup.sound.volume_not_set", {}),)
            detail.append(str(exc))
        player = self.sound.player(candidate_id)
        if player is None:
            detail.append("no player (apt-get install alsa-utils)")
            return self._failed(candidate_id, detail, notes)
        report(progress, "setup.sound.speaking")
        with tempfile.TemporaryDirectory() as cache:
            voice = Voice(Path(cache), player, self._synthesise)
            started = time.monotonic()
            try:
                voice.say(messages("setup.sound.sentence"))
            except (VoiceError, OSError, subprocess.SubprocessError) as exc:
                detail.append(str(exc))
                return self._failed(candidate_id, detail, notes)
            finally:
                voice.close()
        detail.append(f"test sentence spoken in {time.monotonic() - started:.1f} s")
        return Finding(
            True,
            "setup.sound.played",
            {"device": candidate_id, "volume": volume},
            f"{candidate_id}: " + "; ".join(detail),
            # A card whose volume cannot be set is left at its own level (0) at every start.
            {
                "sound.device": candidate_id,
                "sound.volume": 0 if notes else volume,
                "ui.voice": True,
            },
            notes,
        )

    @staticmethod
    def _failed(device: str, detail: list[str], notes) -> Finding:
        return Finding(
            False, "setup.sound.failed", {"device": device}, f"{device}: " + "; ".join(detail),
            notes=notes,
        )  # fmt: skip
