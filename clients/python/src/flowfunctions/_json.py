"""JSON values into the dataclasses of ``models``, by their type hints and ``metadata["json"]`` names."""

from __future__ import annotations

import dataclasses
import sys
import typing
from datetime import date, datetime
from typing import Any, List

T = typing.TypeVar("T")


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 UTC timestamp as the API writes it (``...Z``, with or without milliseconds)."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def from_json(cls: typing.Type[T], value: Any) -> T:
    """Builds ``cls`` from a parsed JSON value, by its type hints; a missing field raises ``KeyError``."""
    return typing.cast(T, _convert(cls, value))


def _convert(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        if value is None:
            return None
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _convert(inner[0], value)
    if origin in (list, List):
        (item,) = typing.get_args(hint)
        return [_convert(item, v) for v in value]
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint, vars(sys.modules[hint.__module__]))
        args = {}
        for f in dataclasses.fields(hint):
            name = f.metadata.get("json", f.name)
            if name is None:
                continue
            args[f.name] = _convert(hints[f.name], value[name])
        return hint(**args)
    if hint is datetime:
        return parse_timestamp(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value
