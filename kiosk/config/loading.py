"""Reading the configuration: the packaged defaults overlaid by a site file, each key
built into its section's dataclass and checked."""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import field
from pathlib import Path
from typing import Any, Literal, TypeVar

from kiosk.config.checks import check_hours, check_services, check_timezone
from kiosk.config.errors import ConfigError, shown_value
from kiosk.config.front_ends import Hall
from kiosk.config.settings import Config
from kiosk.config.site import Hours, Site
from kiosk.resources import data_path

ENV_VAR = "BIANMIN_CONFIG"

T = TypeVar("T")


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
        check_services(values["services"], source)
        values["source"] = source
    if cls is Site:
        check_timezone(values.get("timezone"), source)
    if cls is Hours:
        check_hours(values, source)
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
                f"{source}: {key} = {shown_value(key, value)}; allowed: {', '.join(map(repr, choices))}"
            )
        return value
    if origin in (typing.Union, types.UnionType):
        raise TypeError(f"unsupported config type {hint}")
    _check_scalar(hint, value, source, key)
    value = float(value) if hint is float else value
    meta = f.metadata
    shown = shown_value(key, value)
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
            f"{source}: {key} = {shown_value(key, value)} has the wrong type; allowed: {names[hint]}"
        )
