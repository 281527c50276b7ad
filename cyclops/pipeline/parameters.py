"""All the thresholds of one analysis: each area's frozen parameters, bundled, named and hashed together.

An ``Analyzer`` holds one ``Parameters``; every analysis records its fingerprint and each area's
(``versions()``), so two results can be told apart by the thresholds that made them. ``load``
reads a JSON or YAML file of area -> field overrides (``cyclops evaluate --params``). The OCR engine's own
settings are not here: they are part of its version string (``versions["engine"]``), which the OCR cache keys on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from cyclops.extract.params import ExtractParams
from cyclops.flags.params import FlagParams
from cyclops.match import MatchParams
from cyclops.params import Params


@dataclass(frozen=True)
class Parameters(Params):
    """Every area's thresholds; the defaults are the values the package has always used."""

    extract: ExtractParams = field(default_factory=ExtractParams)
    flags: FlagParams = field(default_factory=FlagParams)
    match: MatchParams = field(default_factory=MatchParams)

    def areas(self) -> dict[str, Params]:
        return {"extract": self.extract, "flags": self.flags, "match": self.match}

    def versions(self) -> dict[str, str]:
        """What an analysis records: the whole set's fingerprint, and each area's."""
        return {"params": self.fingerprint(), **{f"params.{name}": p.fingerprint() for name, p in self.areas().items()}}

    def with_overrides(self, overrides: Mapping[str, Any]) -> Parameters:
        """A copy with some areas' fields changed: ``{"match": {"accept_score": 0.7}}``. Unknown names are errors."""
        areas = self.areas()
        unknown = sorted(set(overrides) - set(areas))
        if unknown:
            raise ValueError(f"no parameter area(s) {', '.join(unknown)}; the areas are {', '.join(areas)}")
        for name, changes in overrides.items():
            if not isinstance(changes, Mapping):
                raise ValueError(f"parameters of {name} must be a mapping of field -> value, not {type(changes).__name__}")
            areas[name] = areas[name].with_overrides(changes)
        return Parameters(**areas)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> Parameters:
        """The defaults with the overrides of a JSON or YAML file (area -> field -> value)."""
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            try:
                overrides = yaml.safe_load(text) or {}
            except yaml.YAMLError as exc:
                raise ValueError(f"{path}: not YAML ({exc})") from None
        else:
            overrides = json.loads(text)
        if not isinstance(overrides, Mapping):
            raise ValueError(f"{path}: parameters must be a mapping of area -> field -> value")
        return cls().with_overrides(overrides)
