"""The shared shape of every area's thresholds: a frozen dataclass that can say what it holds and hash it.

Each area (extract, flags, match, OCR) keeps its tunable thresholds in one frozen dataclass that
mixes in ``Params``. Its defaults are the values the code has always used; an ``Analysis`` records
each ``fingerprint()`` so a result names the thresholds that made it, and ``evaluate --params``
builds changed sets with ``with_overrides``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any, Mapping, TypeVar

P = TypeVar("P", bound="Params")


def _plain(value: Any) -> Any:
    """A JSON-ready form of a field value; sets are sorted so the fingerprint does not depend on their order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Params:
    """Mixin for frozen dataclasses of thresholds: ``as_dict``, ``fingerprint`` and ``with_overrides``."""

    def as_dict(self) -> dict[str, Any]:
        """The fields and their values, JSON-ready."""
        return _plain(self)

    def to_dict(self) -> dict[str, Any]:
        """Same as ``as_dict`` (the name the rest of the package uses for records)."""
        return self.as_dict()

    def fingerprint(self) -> str:
        """A short hash of the fields and values: equal sets give equal fingerprints, any change gives another."""
        blob = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def with_overrides(self: P, overrides: Mapping[str, Any]) -> P:
        """A copy with some fields changed; a name that is not a field is an error, not silently ignored."""
        names = {f.name for f in dataclasses.fields(self)}  # type: ignore[arg-type]
        unknown = sorted(set(overrides) - names)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no field(s) {', '.join(unknown)}; it has {', '.join(sorted(names))}")
        changed = {}
        for name, value in overrides.items():
            current = getattr(self, name)
            if isinstance(current, tuple) and isinstance(value, list):
                value = tuple(value)  # JSON has no tuples
            elif isinstance(current, frozenset) and isinstance(value, list):
                value = frozenset(value)
            changed[name] = value
        return dataclasses.replace(self, **changed)  # type: ignore[type-var]
