"""Site configuration: packaged defaults overlaid by a site file, validated at start.

The defaults ship as ``config/default.toml`` inside the package, the only place a
default value is written; a site file given with ``--config PATH`` or ``BIANMIN_CONFIG``
overrides them key by key. Every key is declared by a section's dataclass, which types and
checks it and has no default of its own; an unknown key, a wrong type, a value outside
what is allowed or a missing required value raises :class:`ConfigError` whose text names
the file, the key and what is allowed, in one line.

Adding a section (``[hall]``, ``[backup]``, ``[privacy]``, ...):

1. Write every key with its default value in ``config/default.toml``. A key the site
   must give (like ``[site] code``) is left out there and documented as required.
2. Document every key in ``config/example-site.toml`` (a test checks that each key of
   the defaults is there).
3. Add a frozen dataclass to the module of its area (:mod:`.site`, :mod:`.platform`,
   :mod:`.hardware`, :mod:`.front_ends`, :mod:`.retention`), one field per key, typed (``str``, ``int``, ``float``,
   ``bool``, ``list[...]``, ``Literal[...]``, or another dataclass for a sub-table such
   as ``[devices.printer]``) and without a default; checks go in the field's metadata:
   ``pattern(regex, allowed)``, ``within(lo, hi)`` (:mod:`.checks`), ``{"choices": (...)}``,
   ``{"non_empty": True, "allowed": ...}``.
4. Add a field of that type to :class:`Config` (:mod:`.settings`); its name is the table's
   name. Export the dataclass here.

A tool that runs without a site file takes a section from the defaults alone with
``section_defaults(Ui)``. A list of tables (``[[services]]``) takes what its entries
leave out from the table named by its field's ``entry_defaults`` metadata
(``[service_defaults]``).

This package is the public entry point: import from ``kiosk.config``. Reading and building
is :mod:`.loading`'s; :mod:`.errors` holds :class:`ConfigError` and which keys are secret.
"""

from kiosk.config.errors import ConfigError, is_secret_key
from kiosk.config.front_ends import Agent, Hall, Ui
from kiosk.config.hardware import Devices, IdCardDevice, PrinterDevice, ScannerDevice, Sound
from kiosk.config.loading import ENV_VAR, default_config_path, load_config, section_defaults
from kiosk.config.platform import Platform, Sync
from kiosk.config.retention import Backup, Privacy
from kiosk.config.settings import Config
from kiosk.config.site import Hours, Queue, Service, Site

__all__ = [
    "ENV_VAR",
    "Agent",
    "Backup",
    "Config",
    "ConfigError",
    "Devices",
    "Hall",
    "Hours",
    "IdCardDevice",
    "Platform",
    "PrinterDevice",
    "Privacy",
    "Queue",
    "ScannerDevice",
    "Service",
    "Site",
    "Sound",
    "Sync",
    "Ui",
    "default_config_path",
    "is_secret_key",
    "load_config",
    "section_defaults",
]
