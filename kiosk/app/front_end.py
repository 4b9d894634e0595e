"""A touch-screen front-end's parts (devices, voice, sound, messages, services) and how a new
configuration reaches them while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.app.devices import Devices, open_devices, open_reader, open_scanner
from kiosk.app.services import Services, build_app, start_kiosk
from kiosk.config import Config
from kiosk.core.messages import Messages
from kiosk.core.upkeep.watchdog import Watchdog
from offline_sync.clock import Clock, SystemClock

if TYPE_CHECKING:
    # Imported where they are built: an agent's tablet has no printer, scanner or voice, and
    # its front-end must not import pyserial or the espeak-ng subprocess (docs/android.md).
    from kiosk.core.upkeep.ports import PortListing
    from kiosk.core.upkeep.setup import SetupStep
    from kiosk.core.voice import SoundSystem, Voice


@dataclass(frozen=True)
class Reload:
    """What a new configuration changed in a running front-end (:meth:`FrontEnd.reload`)."""

    config: Config
    changed: frozenset[str]  # the tables that differ: devices.idcard, platform, ui ...
    reopened: tuple[str, ...] = ()  # the devices closed and opened again: reader, scanner
    services: bool = False  # the services must be rebuilt (FrontEnd.build_services)
    at_next_start: tuple[str, ...] = ()  # keys that only a restart applies (the window)


# Each device of Devices: its table in the site file, how it is opened.
DEVICE_OPENERS = {
    "reader": ("devices.idcard", open_reader),
    "scanner": ("devices.scanner", open_scanner),
}
FRONT_END_TABLES = frozenset({"ui", "sound"} | {table for table, _ in DEVICE_OPENERS.values()})
# The window and the front-end are made once per process: these apply at the next start.
WINDOW_KEYS = ("fullscreen", "width", "height", "mode")


@dataclass
class FrontEnd:
    """What a touch-screen front-end is made of; the front-end owns it and closes it.

    The services are built by :meth:`build_services` on the thread that will use them (one
    store connection per thread), so a window can show before they are ready. A new
    configuration (a set-up screen saved, the site file edited) is taken in by
    :meth:`reload` while the front-end runs: no restart.
    """

    config: Config
    clock: Clock
    devices: Devices
    voice: Voice
    messages: Messages
    start_services: Callable[[Config, Clock], Services]
    watchdog: Watchdog = field(default_factory=Watchdog.from_environment)
    ports: PortListing | None = None  # where set-up looks for serial ports (None: the machine's)
    sound: SoundSystem | None = None  # cards, players, mixer (None: the machine's)

    def build_services(self) -> Services:
        """The services for the configuration in force (call it on the services' thread)."""
        return self.start_services(self.config, self.clock)

    def setup_steps(self) -> dict[str, SetupStep]:
        """The technicians' set-up steps, saving into this front-end's site file."""
        # Imported when a technician asks: the steps load every device driver.
        from kiosk.core.upkeep.setup import SiteFile, setup_steps

        return setup_steps(SiteFile(self.config.source), self.clock, self.ports, self.sound)

    def release(self, device: str) -> None:
        """Close ``device`` (``reader`` or ``scanner``) so that a set-up test can use its
        port; the next :meth:`reload` opens it again (the configuration's, old or new)."""
        opened = getattr(self.devices, device)
        if opened is not None:
            opened.stop()
            setattr(self.devices, device, None)

    def reload(self, config: Config) -> Reload:
        """Run on ``config`` from now on: the devices whose settings changed (or that were
        released) are closed and opened again; the answer says whether the services must
        be rebuilt too (on their own thread: :meth:`build_services`)."""
        from kiosk.core.upkeep.site_watch import changed_sections

        changed = changed_sections(self.config, config)
        if "sound" in changed and self.sound is not None:  # the voice plays there from now on
            self.voice.player = self.sound.output(config.sound.device, config.sound.volume)
        reopened = []
        for device, (table, opener) in DEVICE_OPENERS.items():
            if table in changed or getattr(self.devices, device) is None:
                self.release(device)
                setattr(self.devices, device, opener(config))
                if getattr(self.devices, device) is not None:
                    reopened.append(device)
        window = [
            f"ui.{key}"
            for key in WINDOW_KEYS
            if getattr(self.config.ui, key) != getattr(config.ui, key)
        ]
        self.config = config
        return Reload(
            config,
            changed,
            tuple(reopened),
            bool(changed - FRONT_END_TABLES),
            tuple(window),
        )

    def close(self) -> None:
        """Stop the devices and the voice (the services are closed by their thread)."""
        self.watchdog.stopping()
        self.devices.close()
        self.voice.close()
        self.watchdog.close()


def assemble_front_end(
    config: Config,
    clock: Clock | None = None,
    *,
    voice: Voice | None = None,
    background: bool = True,
    ports: PortListing | None = None,
    sound: SoundSystem | None = None,
) -> FrontEnd:
    """Everything a front-end needs, from the configuration.

    ``voice`` replaces the speaker built from ``[ui]`` (the tour and tests record what
    would be said); ``background`` False builds the services without starting sync and
    the start-up tidying (:func:`start_kiosk`), for tests; ``ports`` is where the set-up
    screens look for serial ports (tests and the tour add simulators' ptys); ``sound``
    replaces the machine's sound cards, players and mixer (the tour records instead).
    """
    from kiosk.core.voice import SoundSystem, Voice

    clock = clock or SystemClock()
    sound = sound or SoundSystem()
    if voice is None:
        player = sound.output(config.sound.device, config.sound.volume)
        voice = Voice(config.data_dir / "voice", player=player, enabled=config.ui.voice)
    return FrontEnd(
        config=config,
        clock=clock,
        devices=open_devices(config),
        voice=voice,
        messages=Messages(config.ui.language),
        start_services=start_kiosk if background else build_app,
        ports=ports,
        sound=sound,
    )


# -- the proxy agent's tablet (docs/agent.md) -------------------------------------------------
