"""apply_edit: paths, append, delete, validation and optimistic concurrency."""

from __future__ import annotations

import pytest

from cyclops.edits import ConflictError, InvalidEdit, apply_edit, parse_path
from cyclops.model.analysis import Analysis, Flag, Ingredient


def _analysis() -> Analysis:
    a = Analysis(analysis_id="a1")
    a.fields.npn.value = "80012345"
    a.fields.medicinal_ingredients = [Ingredient(name=n, quantity=q, unit="mg") for n, q in [("Zinc", 10), ("Iron", 5), ("Vitamin C", 500)]]
    a.flags = [Flag(code="npn_missing", severity="high", message="m", message_fr="m"), Flag(code="x", severity="low", message="m", message_fr="m")]
    return a


def _edit(field: str, after: object, base: int = 0):
    from cyclops.model.analysis import Edit

    return Edit(analyst="ann", field=field, after=after, base_version=base)


def test_parse_path() -> None:
    assert parse_path("fields.medicinal_ingredients[2].quantity") == ["fields", "medicinal_ingredients", 2, "quantity"]
    assert parse_path("flags[+]") == ["flags", "+"]
    for bad in ["", "fields..npn", "flags[-1]", ".fields", "flags[+].code", "fields.npn value", "[0]"]:
        with pytest.raises(InvalidEdit):
            parse_path(bad)


def test_set_nested_values_and_bump_version() -> None:
    a = _analysis()
    b = apply_edit(a, _edit("fields.npn.value", "80099999"))
    assert b.fields.npn.value == "80099999" and b.version == 1
    assert a.fields.npn.value == "80012345" and a.version == 0  # the input is untouched
    c = apply_edit(b, _edit("fields.medicinal_ingredients[2].quantity", 250, base=1))
    assert c.fields.medicinal_ingredients[2].quantity == 250.0 and c.version == 2
    d = apply_edit(c, _edit("flags[1].decision", "dismissed", base=2))
    assert d.flags[1].decision == "dismissed"
    e = apply_edit(d, _edit("match.lnhpd_id", 1234, base=3))
    assert e.match.lnhpd_id == 1234


def test_append_and_delete_items() -> None:
    a = _analysis()
    b = apply_edit(a, _edit("fields.medicinal_ingredients[+]", {"name": "Magnesium", "quantity": 100, "unit": "mg"}))
    assert [i.name for i in b.fields.medicinal_ingredients] == ["Zinc", "Iron", "Vitamin C", "Magnesium"]
    c = apply_edit(b, _edit("fields.medicinal_ingredients[0]", None, base=1))
    assert [i.name for i in c.fields.medicinal_ingredients] == ["Iron", "Vitamin C", "Magnesium"]
    d = apply_edit(c, _edit("flags[+]", {"code": "claim", "severity": "medium", "message": "m", "message_fr": "m", "source": "analyst"}, base=2))
    assert d.flags[-1].source == "analyst"


def test_stale_version_conflicts() -> None:
    a = apply_edit(_analysis(), _edit("fields.npn.value", "1"))
    with pytest.raises(ConflictError, match="version 0"):
        apply_edit(a, _edit("fields.npn.value", "2", base=0))


@pytest.mark.parametrize(
    "field, after",
    [
        ("fields.nope.value", "x"),  # unknown field
        ("fields.medicinal_ingredients[9].quantity", 1),  # out of range
        ("fields.medicinal_ingredients[0].quantity", "lots"),  # not a number
        ("flags[0].severity", "catastrophic"),  # not an allowed value
        ("fields.medicinal_ingredients[+]", {"quantity": 3}),  # item without a name
        ("fields.npn[+]", {"value": "1"}),  # append to a non-list
        ("version", 7),  # bookkeeping is read-only
        ("analysis_id", "other"),
    ],
)
def test_invalid_edits_are_refused(field: str, after: object) -> None:
    with pytest.raises(InvalidEdit):
        apply_edit(_analysis(), _edit(field, after))
