"""Site configuration: packaged defaults overlaid by a site file, validated at start.

The defaults ship as ``config/default.toml`` inside the package, the only place a
default value is written; a site file given with ``--config PATH`` or ``BIANMIN_CONFIG``
overrides them key by key. Every key is declared by a dataclass below, which types and
checks it and has no default of its own; an unknown key, a wrong type, a value outside
what is allowed or a missing required value raises :class:`ConfigError` whose text names
the file, the key and what is allowed, in one line.

Adding a section (``[hall]``, ``[backup]``, ``[privacy]``, ...):

1. Write every key with its default value in ``config/default.toml``. A key the site
   must give (like ``[site] code``) is left out there and documented as required.
2. Document every key in ``config/example-site.toml`` (a test checks that each key of
   the defaults is there).
3. Add a frozen dataclass here, one field per key, typed (``str``, ``int``, ``float``,
   ``bool``, ``list[...]``, ``Literal[...]``, or another dataclass for a sub-table such
   as ``[devices.printer]``) and without a default; checks go in the field's metadata:
   ``_check(pattern, allowed)``, ``_range(lo, hi)``, ``{"choices": (...)}``,
   ``{"non_empty": True, "allowed": ...}``.
4. Add a field of that type to :class:`Config`; its name is the table's name.

A tool that runs without a site file takes a section from the defaults alone with
``section_defaults(Ui)``. A list of tables (``[[services]]``) takes what its entries
leave out from the table named by its field's ``entry_defaults`` metadata
(``[service_defaults]``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devices.url_typos import path_url_problem
from kiosk.resources import data_path
from offline_sync.contract.protocol import MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_PULL_LIMIT

ENV_VAR = "BIANMIN_CONFIG"


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line for a technician.

    It names the file, the key and what is allowed; it quotes the value, except the value
    of a secret (:func:`is_secret_key`), which would end up in the journal.
    """


# A key whose name holds one of these words (between underscores) is a secret:
# device_secret, technician_pin, [hall] key, a password, a passphrase, a token.
SECRET_WORDS = frozenset({"secret", "pin", "key", "password", "passphrase", "token"})


def is_secret_key(key: str) -> bool:
    """True when the config key ``key`` (``platform.device_secret``, ``hall.key``) holds a
    secret, whose value no message may quote."""
    name = key.rsplit(".", 1)[-1].split("[", 1)[0]
    return not SECRET_WORDS.isdisjoint(name.lower().split("_"))


def _shown(key: str, value: Any) -> str:
    """``value`` as an error line may quote it: ``repr`` for most keys, only its length for
    a secret's."""
    if not is_secret_key(key):
        return repr(value)
    size = f", {len(value)} characters" if isinstance(value, str) else ""
    return f"(hidden{size})"


def _check(pattern: str, allowed: str) -> dict[str, Any]:
    return {"pattern": re.compile(pattern), "allowed": allowed}


def _range(lo: float, hi: float) -> dict[str, Any]:
    return {"range": (lo, hi), "allowed": f"a number from {lo} to {hi}"}


def _platform_url_problem(url: str) -> str | None:
    """A platform URL that names the API instead of the platform: the client adds
    ``/api/v1/...`` to every request itself, so ``.../api/v1`` would ask ``/api/v1/api/v1``."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not (path.endswith("/api/v1") or path.endswith("/api") or "/api/v1/" in path + "/"):
        return None
    base = f"{parts.scheme}://{parts.netloc}{path.split('/api', 1)[0]}"
    return f"the platform's base URL goes without /api/v1 (each request adds it): write {base!r}"


def _public_url_problem(url: str) -> str | None:
    """A phone page address phones cannot use: this machine only (phones would open
    themselves), or the page's own path (``/m`` is added to it)."""
    parts = urlsplit(url)
    if parts.hostname in ("localhost", "127.0.0.1", "::1", "0.0.0.0"):
        return "phones cannot reach this machine there: write its address on the hall's Wi-Fi"
    if parts.path.rstrip("/").endswith("/m"):
        base = url.rstrip("/").removesuffix("/m")
        return (
            f"the hall server's address goes without /m (the page's path is added): write {base!r}"
        )
    return None


T = TypeVar("T")


@dataclass(frozen=True)
class Site:
    code: str = field(
        metadata=_check(r"^\d{6}(-[A-Za-z0-9]+)*$", "a 6-digit region code, e.g. 511502")
    )
    name: str = field(metadata=_check(r"\S", "a non-empty name"))
    data_dir: str = field(metadata=_check(r"\S", "a directory path"))
    timezone: str
    phone: str = field(metadata=_check(r"^(|[0-9][0-9 -]{4,18}[0-9])$", "a phone number or empty"))
    letters: str = field(metadata=_check(r"^(|[A-Z]{1,3})$", "1 to 3 capital letters or empty"))


@dataclass(frozen=True)
class Service:
    code: str = field(metadata=_check(r"^[a-z0-9_]{1,32}$", "lower-case letters, digits, _"))
    name: str = field(metadata=_check(r"\S", "a non-empty Chinese name"))
    prefix: str = field(metadata=_check(r"^[A-UW-Z]$", "one capital letter A-Z except V"))
    counters: list[str] = field(metadata={"non_empty": True, "allowed": "a non-empty list"})
    default_service_min: float = field(metadata=_range(0.5, 240))
    themes: list[str]


@dataclass(frozen=True)
class Hours:
    open: str = field(metadata=_check(r"^([01]\d|2[0-3]):[0-5]\d$", "HH:MM"))
    close: str = field(metadata=_check(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", "HH:MM"))
    days: list[int]


@dataclass(frozen=True)
class Queue:
    appointment_grace_min: int = field(metadata=_range(0, 240))
    service_time_window: int = field(metadata=_range(1, 1000))
    counter_active_min: int = field(metadata=_range(1, 1440))


@dataclass(frozen=True)
class Platform:
    url: str = field(
        metadata=_check(r"^(|https?://\S+)$", "an http(s) URL or empty")
        | {"problem": _platform_url_problem}
    )
    device_id: str
    device_secret: str = field(
        metadata=_check(r"^(|[0-9a-f]{64})$", "64 lower-case hex characters")
    )


@dataclass(frozen=True)
class Sync:
    interval_s: float = field(metadata=_range(1, 86400))
    batch_records: int = field(metadata=_range(1, MAX_BATCH_RECORDS))
    batch_bytes: int = field(metadata=_range(1024, MAX_BATCH_BYTES))
    pull_limit: int = field(metadata=_range(1, MAX_PULL_LIMIT))
    request_timeout_s: float = field(metadata=_range(1, 600))
    backoff_base_s: float = field(metadata=_range(0.01, 3600))
    backoff_max_s: float = field(metadata=_range(1, 86400))
    breaker_failures: int = field(metadata=_range(1, 100))
    upload_workers: int = field(metadata=_range(1, 16))


@dataclass(frozen=True)
class IdCardDevice:
    port: str
    baud: int = field(metadata={"choices": (115200, 57600, 38400, 19200, 9600)})
    poll_interval_s: float = field(metadata=_range(0.005, 10))


@dataclass(frozen=True)
class PrinterDevice:
    url: str = field(
        metadata=_check(
            r"^(|(serial|tcp|usb|file)://\S+)$",
            "serial://, tcp://, usb:// or file:// URL, or empty",
        )
        | {"problem": path_url_problem},
    )
    paper_mm: int = field(metadata={"choices": (58, 80)})
    status_timeout_s: float = field(metadata=_range(0.05, 30))


@dataclass(frozen=True)
class ScannerDevice:
    port: str
    baud: int = field(metadata={"choices": (115200, 57600, 38400, 19200, 9600)})


@dataclass(frozen=True)
class Devices:
    idcard: IdCardDevice
    printer: PrinterDevice
    scanner: ScannerDevice


@dataclass(frozen=True)
class Ui:
    fullscreen: bool
    kiosk_lock: bool
    width: int = field(metadata=_range(320, 7680))
    height: int = field(metadata=_range(240, 4320))
    large_font: bool
    voice: bool
    idle_s: int = field(metadata=_range(5, 3600))
    countdown_s: int = field(metadata=_range(1, 120))
    technician_pin: str = field(metadata=_check(r"^(|\d{4,12})$", "4 to 12 digits or empty"))
    language: Literal["zh_CN"]
    mode: Literal["kiosk", "agent"]


_POWERS_OF_TWO = tuple(2**k for k in range(10, 21))


@dataclass(frozen=True)
class Agent:
    photo_max_px: int = field(metadata=_range(640, 4096))
    photo_quality: int = field(metadata=_range(50, 95))
    idle_lock_s: int = field(metadata=_range(30, 3600))
    pin_attempts: int = field(metadata=_range(3, 10))
    lockout_min: int = field(metadata=_range(1, 1440))
    erase_after: int = field(metadata=_range(5, 30))
    key_scrypt_n: int = field(metadata={"choices": _POWERS_OF_TWO, "allowed": "a power of 2"})
    due_soon_days: int = field(metadata=_range(0, 30))
    stale_draft_days: int = field(metadata=_range(1, 90))
    camera: str = field(
        metadata=_check(
            r"^(|sim|sim:.+|kivy|opencv(:\d+)?)$", "empty, sim, sim:DIR, kivy or opencv:N"
        )
    )


@dataclass(frozen=True)
class Hall:
    url: str = field(metadata=_check(r"^(|https?://\S+)$", "an http(s) URL or empty"))
    key: str = field(metadata=_check(r"^(|[0-9a-f]{64})$", "64 lower-case hex characters"))
    listen: str = field(
        metadata=_check(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$", "HOST:PORT")
    )
    request_timeout_s: float = field(metadata=_range(0.2, 60))
    speaker: bool
    chime: bool
    voice: bool
    repeats: int = field(metadata=_range(1, 5))
    min_show_s: float = field(metadata=_range(5, 60))
    session_hours: float = field(metadata=_range(0.5, 24))
    pin_attempts: int = field(metadata=_range(2, 20))
    lockout_min: float = field(metadata=_range(1, 1440))
    public_url: str = field(
        metadata=_check(r"^(|https?://\S+)$", "an http(s) URL or empty")
        | {"problem": _public_url_problem}
    )
    phone_open_per_address: int = field(metadata=_range(0, 100))
    phone_daily_per_address: int = field(metadata=_range(0, 1000))
    phone_actions_per_min: int = field(metadata=_range(2, 600))

    @property
    def phone_url(self) -> str:
        """The phone page (扫码取号) as phones reach it; empty when no ``public_url`` is set."""
        return self.public_url.rstrip("/") + "/m" if self.public_url else ""


@dataclass(frozen=True)
class Backup:
    dir: str
    keep: int = field(metadata=_range(1, 365))
    at: str = field(metadata=_check(r"^([01]\d|2[0-3]):[0-5]\d$", "HH:MM"))


@dataclass(frozen=True)
class Privacy:
    retain_days: int = field(metadata=_range(1, 3650))


@dataclass(frozen=True)
class Config:
    site: Site
    # Every entry starts from the [service_defaults] table and overrides it key by key.
    services: list[Service] = field(metadata={"entry_defaults": "service_defaults"})
    hours: Hours
    queue: Queue
    platform: Platform
    sync: Sync
    devices: Devices
    ui: Ui
    hall: Hall
    agent: Agent
    backup: Backup
    privacy: Privacy
    source: str = field(metadata={"internal": True})

    @property
    def data_dir(self) -> Path:
        """The data directory; ``~`` expanded, a relative path taken from the site file's folder."""
        return self._path(self.site.data_dir)

    @property
    def backup_dir(self) -> Path:
        """Where backups go: ``[backup] dir`` (relative to the site file's folder), else
        ``backups`` in the data directory."""
        return self._path(self.backup.dir) if self.backup.dir else self.data_dir / "backups"

    def _path(self, text: str) -> Path:
        path = Path(text).expanduser()
        if path.is_absolute():
            return path
        return Path(self.source).resolve().parent / path

    def service(self, code: str) -> Service:
        """The service with this code; KeyError if there is none."""
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)


def default_config_path() -> Path:
    """The packaged ``default.toml``."""
    return data_path("config") / "default.toml"


def load_config(site_file: str | os.PathLike[str] | None = None) -> Config:
    """Load the defaults, overlay the site file (argument, else ``$BIANMIN_CONFIG``), validate."""
    defaults = _read_toml(default_config_path())
    merged = defaults
    source = str(default_config_path())
    site_file = site_file or os.environ.get(ENV_VAR) or None
    if site_file:
        source = str(site_file)
        merged = _overlay(defaults, _read_toml(Path(site_file)))
    return _build(Config, merged, source, "")


def section_defaults(cls: type[T]) -> T:
    """The section ``cls`` (``Ui``, ``PrinterDevice``, ...) as ``default.toml`` alone gives it,
    for tools that run without a site file."""
    path = _section_path(Config, cls)
    if path is None:
        raise TypeError(f"{cls.__name__} is not a table of the configuration")
    raw: Any = _read_toml(default_config_path())
    for part in path:
        raw = raw.get(part, {}) if isinstance(raw, dict) else raw
    return _build(cls, raw, str(default_config_path()), ".".join(path))


def _section_path(root: type, cls: type) -> list[str] | None:
    hints = typing.get_type_hints(root)
    for f in dataclasses.fields(root):
        hint = hints[f.name]
        if hint is cls:
            return [f.name]
        if dataclasses.is_dataclass(hint):
            below = _section_path(hint, cls)
            if below is not None:
                return [f.name, *below]
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except PermissionError:
        raise ConfigError(f"{path}: config file is not readable (permission denied)") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a config file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start});"
            " save the file as UTF-8"
        ) from None


def _overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _overlay(merged[key], value)
        else:
            merged[key] = value
    return merged


def _build(cls: type, raw: Any, source: str, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: [{where}] must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    raw, templates = _with_entry_defaults(raw, fields, hints, source, where)
    for key in raw:
        if key not in fields:
            allowed = ", ".join([*fields, *templates])
            raise ConfigError(f"{source}: unknown key {_join(where, key)}; allowed keys: {allowed}")
    values = {}
    for name, f in fields.items():
        key = _join(where, name)
        if name not in raw:
            raise ConfigError(f"{source}: missing required key {key}")
        values[name] = _convert(hints[name], raw[name], f, source, key)
    if cls is Config:
        _check_services(values["services"], source)
        values["source"] = source
    if cls is Site:
        _check_timezone(values.get("timezone"), source)
    if cls is Hours:
        _check_hours(values, source)
    if cls is Hall and raw.get("url") and not raw.get("key"):
        raise ConfigError(
            f"{source}: {_join(where, 'url')} is set but {_join(where, 'key')} is empty;"
            " allowed: the 64-hex key the hall server uses"
        )
    return cls(**values)


def _with_entry_defaults(
    raw: dict[str, Any], fields: dict[str, dataclasses.Field], hints: dict, source: str, where: str
) -> tuple[dict[str, Any], list[str]]:
    """``raw`` with each list of tables overlaid on its defaults table (checked, then removed);
    also the names of those tables."""
    raw = dict(raw)
    templates = []
    for name, f in fields.items():
        table = f.metadata.get("entry_defaults")
        if table is None:
            continue
        templates.append(table)
        template = raw.pop(table, {})
        at = _join(where, table)
        if not isinstance(template, dict):
            raise ConfigError(f"{source}: [{at}] must be a table")
        (entry,) = typing.get_args(hints[name])
        entry_hints = typing.get_type_hints(entry)
        entry_fields = {e.name: e for e in dataclasses.fields(entry)}
        for key, value in template.items():
            if key not in entry_fields:
                allowed = ", ".join(entry_fields)
                raise ConfigError(f"{source}: unknown key {at}.{key}; allowed keys: {allowed}")
            _convert(entry_hints[key], value, entry_fields[key], source, f"{at}.{key}")
        if isinstance(raw.get(name), list):
            raw[name] = [template | e if isinstance(e, dict) else e for e in raw[name]]
    return raw, templates


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _convert(hint: Any, value: Any, f: dataclasses.Field, source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, source, key)
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{source}: {key} must be a list")
        if f.metadata.get("non_empty") and not value:
            raise ConfigError(f"{source}: {key} must be {f.metadata['allowed']}")
        return [_convert(item, v, _PLAIN, source, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(
                f"{source}: {key} = {_shown(key, value)}; allowed: {', '.join(map(repr, choices))}"
            )
        return value
    if origin in (typing.Union, types.UnionType):
        raise TypeError(f"unsupported config type {hint}")
    _check_scalar(hint, value, source, key)
    value = float(value) if hint is float else value
    meta = f.metadata
    shown = _shown(key, value)
    if "pattern" in meta and not meta["pattern"].search(value):
        raise ConfigError(f"{source}: {key} = {shown}; allowed: {meta['allowed']}")
    if "range" in meta and not meta["range"][0] <= value <= meta["range"][1]:
        raise ConfigError(f"{source}: {key} = {shown}; allowed: {meta['allowed']}")
    if "choices" in meta and value not in meta["choices"]:
        allowed = ", ".join(map(str, meta["choices"]))
        raise ConfigError(f"{source}: {key} = {shown}; allowed: one of {allowed}")
    if "problem" in meta and (problem := meta["problem"](value)):
        raise ConfigError(f"{source}: {key} = {shown}; {problem}")
    return value


_PLAIN = field()


def _check_scalar(hint: type, value: Any, source: str, key: str) -> None:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    ok = (
        isinstance(value, bool)
        if hint is bool
        else isinstance(value, hint) and not isinstance(value, bool)
        if hint in (str, int)
        else isinstance(value, int | float) and not isinstance(value, bool)
    )
    if not ok:
        raise ConfigError(
            f"{source}: {key} = {_shown(key, value)} has the wrong type; allowed: {names[hint]}"
        )


def _check_services(services: list[Service], source: str) -> None:
    if not services:
        raise ConfigError(f"{source}: missing required key services (at least one [[services]])")
    seen_codes: set[str] = set()
    seen_prefixes: dict[str, str] = {}
    for i, service in enumerate(services):
        if service.code in seen_codes:
            raise ConfigError(
                f"{source}: services[{i}].code = {service.code!r} is used twice; allowed: unique codes"
            )
        if service.prefix in seen_prefixes:
            raise ConfigError(
                f"{source}: services[{i}].prefix = {service.prefix!r} is already the prefix of "
                f"{seen_prefixes[service.prefix]!r}; allowed: a different letter per service"
            )
        seen_codes.add(service.code)
        seen_prefixes[service.prefix] = service.code


def _check_timezone(zone: str | None, source: str) -> None:
    if zone is None:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: site.timezone = {zone!r} is not a known time zone;"
            " allowed: an IANA name such as 'Asia/Shanghai'"
        ) from None


def _check_hours(values: dict[str, Any], source: str) -> None:
    days = values.get("days")
    if days is not None:
        bad = [d for d in days if not 1 <= d <= 7]
        if bad or not days or len(set(days)) != len(days):
            raise ConfigError(
                f"{source}: hours.days = {days!r}; allowed: weekdays 1 (Monday) to 7 (Sunday),"
                " each once, at least one"
            )
    opens, closes = values.get("open"), values.get("close")
    if opens is not None and closes is not None and opens >= closes:
        raise ConfigError(
            f"{source}: hours.open = {opens!r} is not before hours.close = {closes!r};"
            " allowed: an opening time earlier than the closing time"
        )
