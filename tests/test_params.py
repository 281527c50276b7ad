"""The shared thresholds shape: fingerprints are stable and change with any value; overrides are checked."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from cyclops.params import Params


@dataclass(frozen=True)
class _Sample(Params):
    cutoff: float = 0.5
    words: frozenset[str] = field(default_factory=lambda: frozenset({"b", "a"}))
    sizes: tuple[int, ...] = (1, 2)


def test_equal_sets_give_equal_fingerprints_and_a_change_gives_another():
    assert _Sample().fingerprint() == _Sample().fingerprint()
    assert len(_Sample().fingerprint()) == 12
    assert _Sample(cutoff=0.6).fingerprint() != _Sample().fingerprint()
    assert _Sample(words=frozenset({"a", "b"})).fingerprint() == _Sample().fingerprint()  # set order is not a change


def test_as_dict_is_json_ready():
    assert _Sample().as_dict() == {"cutoff": 0.5, "words": ["a", "b"], "sizes": [1, 2]}


def test_overrides_keep_types_and_refuse_unknown_names():
    changed = _Sample().with_overrides({"cutoff": 0.7, "sizes": [3], "words": ["z"]})
    assert changed == _Sample(cutoff=0.7, sizes=(3,), words=frozenset({"z"}))
    with pytest.raises(ValueError, match="no field"):
        _Sample().with_overrides({"cutof": 0.7})
