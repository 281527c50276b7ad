"""Fast checks of the retraining parts that need no OCR: gate, split, de-duplication, simulated analyst, registry fallback."""

from __future__ import annotations

from collections import Counter

import pytest

from cyclops.extract.features import LineExample
from cyclops.model.analysis import Analysis, Edit, ImageInfo, LabelledLine
from cyclops.model.truth import ProductTruth
from cyclops.retrain.dataset import DatasetError, Row, deduplicate, normalize_since, split_by_product
from cyclops.retrain.gate import benchmark_guard, decide


def row(group: str, text: str, label: str = "other", source: str = "correction") -> Row:
    return Row(source=source, group=group, example=LineExample(text=text, label=label, product_id=group))


def test_gate_promotes_only_a_clear_gain_without_a_label_collapse() -> None:
    current = {"brand": 0.8, "dose": 0.6, "caution": 0.9}
    better = {"brand": 0.85, "dose": 0.8, "caution": 0.9}
    assert decide(current, better).promote
    small = decide(current, {"brand": 0.8, "dose": 0.61, "caution": 0.9}, min_gain=0.01)
    assert not small.promote and "below the required" in small.reasons[0]
    trade = decide(current, {"brand": 0.99, "dose": 0.99, "caution": 0.7}, max_label_drop=0.02)
    assert not trade.promote and trade.worst_label == "caution" and trade.worst_drop == pytest.approx(0.2)
    missing = decide(current, {"brand": 0.99, "dose": 0.99})  # a label the candidate lost counts as 0
    assert not missing.promote and missing.worst_label == "caution"


def test_gate_does_not_judge_a_label_on_a_handful_of_lines() -> None:
    current = {"brand": 1.0, "dose": 0.6, "caution": 0.9}
    candidate = {"brand": 0.667, "dose": 0.95, "caution": 0.92}  # brand: one of three lines now wrong
    assert not decide(current, candidate, max_label_drop=0.05).promote
    few = decide(current, candidate, max_label_drop=0.05, support={"brand": 3, "dose": 40, "caution": 50})
    assert few.promote and "not judged alone: brand" in few.reasons[-1]
    many = decide(current, candidate, max_label_drop=0.05, support={"brand": 30, "dose": 40, "caution": 50})
    assert not many.promote and many.worst_label == "brand"


def test_benchmark_guard() -> None:
    assert benchmark_guard(0.90, 0.89, 0.02) is None
    reason = benchmark_guard(0.90, 0.80, 0.02)
    assert reason is not None and "0.1000" in reason


def test_split_never_puts_a_product_on_both_sides() -> None:
    rows = [row(f"licence:{g}", f"line {i}", source=s) for s in ("correction", "synthetic") for g in range(7) for i in range(5)]
    rows += [row("licence:0", "shared", source="synthetic")]  # same product from both sources
    train, heldout = split_by_product(rows, 0.3, seed=3)
    assert {r.group for r in train}.isdisjoint({r.group for r in heldout})
    assert len(train) + len(heldout) == len(rows)
    assert {r.source for r in heldout} == {"correction", "synthetic"}
    assert split_by_product(rows, 0.3, seed=3) == (train, heldout)  # deterministic
    with pytest.raises(DatasetError):
        split_by_product(rows, 1.5)


def test_deduplicate_keeps_the_latest_correction() -> None:
    rows = [row("licence:1", "Vitamin D3", "brand"), row("licence:1", "Vitamin D3", "medicinal_ingredient"),
            row("licence:2", "Vitamin D3", "brand")]
    kept, dropped = deduplicate(rows)
    assert dropped == 1
    assert [(r.group, r.example.label) for r in kept] == [("licence:1", "medicinal_ingredient"), ("licence:2", "brand")]


def test_since_must_be_a_date() -> None:
    assert normalize_since("2026-01-31").startswith("2026-01-31T00:00:00")
    assert normalize_since("") is None
    with pytest.raises(DatasetError, match="ISO date"):
        normalize_since("yesterday")


def _square(x: float, y: float) -> list[tuple[float, float]]:
    return [(x, y), (x + 100, y), (x + 100, y + 20), (x, y + 20)]


def test_simulated_analyst_corrects_wrong_labels_and_can_shuffle() -> None:
    from cyclops.lnhpd.records import LicenceBundle, ProductLicence
    from cyclops.model.truth import TruthImage, TruthLine
    from cyclops.retrain.simulate import planned_corrections, planned_review, true_line_labels

    labels = ["brand", "product_name", "dose", "caution", "other"]
    truth = ProductTruth(
        product_id="p1", licence=LicenceBundle(licence=ProductLicence(lnhpd_id=1, licence_number="80000001", product_name="X")),
        images=[TruthImage(id="front", file="front.png", width=400, height=400,
                           lines=[TruthLine(text=lab, label=lab, polygon=_square(10, 30 * i)) for i, lab in enumerate(labels)])],
    )
    lines = [LabelledLine(image="img0", polygon=_square(12, 30 * i + 2), text=lab, label="other") for i, lab in enumerate(labels)]
    lines.append(LabelledLine(image="img0", polygon=_square(250, 350), text="noise", label="other"))  # on no truth line
    analysis = Analysis(analysis_id="a1", images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=400)], lines=lines)
    assert true_line_labels(analysis, truth) == dict(enumerate(labels))
    plan = planned_corrections(analysis, truth)
    assert plan == [(i, "other", lab) for i, lab in enumerate(labels) if lab != "other"]
    # the lines it checked and found right are accepted (label set again): retraining counts only reviewed lines
    assert planned_review(analysis, truth) == [(i, "other", lab) for i, lab in enumerate(labels)]
    shuffled = planned_corrections(analysis, truth, shuffle_seed=1)
    after = {i: lab for i, _, lab in shuffled}
    final = [after.get(i, "other") for i in range(len(labels))]
    assert Counter(final) == Counter(labels) and final != labels


def test_registry_falls_back_to_the_packaged_model_without_a_store() -> None:
    from cyclops.fieldmodel.registry import ModelWatcher, load_served_model, served_version

    assert served_version() is None  # nothing registered, and no store file is created by asking
    model, version = load_served_model()
    assert version.startswith("packaged-") and hasattr(model, "predict_proba")
    watcher = ModelWatcher(interval=3600)
    assert watcher.current()[1] == version and watcher.check_now() is False


def test_build_dataset_from_reviewed_analyses_reports_unknown_labels(tmp_path) -> None:
    from cyclops.model.analysis import Match
    from cyclops.retrain.dataset import Reviewed, build_dataset, load_dataset, save_dataset
    from cyclops.storage import open_store

    def reviewed(k: int, labels: list[str]) -> Reviewed:
        lines = [LabelledLine(image="img0", polygon=_square(10, 30 * i), text=f"line {k}.{i}", label=lab) for i, lab in enumerate(labels)]
        analysis = Analysis(analysis_id=f"a{k}", images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=400)],
                            lines=lines, match=Match(licence_number=f"8000000{k}"))
        edits = [Edit(analyst="ana", field=f"lines[{i}].label", after=lab, base_version=i) for i, lab in enumerate(labels)]
        return Reviewed(analysis=analysis, edits=edits)

    items = [reviewed(k, ["brand", "dose", "other"]) for k in range(4)] + [reviewed(9, ["brnad", "caution"])]
    dataset = build_dataset(reviewed=items, synthetic_n=0)
    assert dataset.manifest["unknown_labels_left_out"] == {"brnad": 1}
    assert all(r.example.label != "brnad" for r in dataset.train + dataset.heldout)
    assert {r.group for r in dataset.train}.isdisjoint({r.group for r in dataset.heldout})
    assert dataset.manifest["train"]["lines"] + dataset.manifest["heldout"]["lines"] == 13
    store = open_store(str(tmp_path / "store"))
    save_dataset(dataset, store)
    assert load_dataset(dataset.version, store).sha256 == dataset.sha256
    store.put(f"datasets/{dataset.version}/heldout.jsonl", b"")  # tampered: the hash no longer matches
    with pytest.raises(DatasetError, match="corrupt"):
        load_dataset(dataset.version, store)


def test_packaged_base_lines_are_the_packaged_models_training_set(tmp_path) -> None:
    from collections import Counter

    from cyclops.model.analysis import FIELD_LABELS
    from cyclops.retrain.base_set import base_examples, write_base_examples
    from cyclops.retrain.dataset import packaged_base_rows

    examples = base_examples()
    labels = Counter(e.label for e in examples)
    assert len(examples) > 20_000 and set(labels) <= set(FIELD_LABELS) and len(labels) == len(FIELD_LABELS)
    rows = packaged_base_rows()
    assert len({r.group for r in rows}) == 400  # one group per synthetic product: the split stays by product
    (tmp_path / "p1").mkdir()
    from cyclops.model.truth import ProductTruth
    from cyclops.synth.examples import example_pairs

    en, _ = example_pairs()[0]
    (tmp_path / "p1" / "truth.json").write_text(ProductTruth(product_id="p1", licence=en).model_dump_json())
    with pytest.raises(ValueError, match="not the packaged model's training set"):
        write_base_examples(tmp_path, tmp_path / "out.jsonl.gz")


def _reviewed_product(k: int):
    """A served analysis and the analyst's edits on it: a label corrected, a label accepted as is, a line's text
    corrected, the NPN field corrected; the other lines are the model's guesses nobody looked at."""
    from cyclops.edits import apply_edit
    from cyclops.model.analysis import Evidence, FieldValue, Match
    from cyclops.retrain.dataset import Reviewed

    texts = [("Vitamin D3", "brand"), ("NPN 8001234", "npn"), ("Tak 1 capsule daily", "dose"), ("Lot 22", "npn"),
             ("Keep out of reach of children", "caution"), ("Made in Canada", "other")]
    lines = [LabelledLine(image="img0", polygon=_square(10, 40 * i), text=t, label=lab) for i, (t, lab) in enumerate(texts)]
    lines[2] = lines[2].model_copy(update={"text": "Take 1 capsule daily", "ocr_text": "Tak 1 capsule daily"})  # repaired
    served = Analysis(analysis_id=f"a{k}", images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=400)], lines=lines,
                      match=Match(licence_number=f"8000000{k}"), versions={"field_classifier": "cyclops-field-classifier/3"})
    served.fields.npn = FieldValue(value="8001234", evidence=[Evidence(image="img0", polygon=_square(10, 40), text="NPN 8001234")])
    plan = [("lines[0].label", "product_name", "ana"), ("lines[4].label", "caution", "bea"),
            ("lines[2].text", "Take 1 capsule daily.", "ana"), ("fields.npn.value", "80012345", "bea")]
    analysis, edits = served, []
    for seq, (path, value, who) in enumerate(plan, start=1):
        edit = Edit(analyst=who, field=path, after=value, base_version=seq - 1, seq=seq, at=f"2026-11-2{k % 2}T10:0{seq}:00+00:00")
        edits.append(edit)
        analysis = apply_edit(analysis, edit)
    return Reviewed(analysis=analysis, edits=edits, served=served)


def test_only_reviewed_lines_become_rows_with_their_provenance() -> None:
    from cyclops.retrain.dataset import reviewed_lines, rows_from_reviewed

    item = _reviewed_product(1)
    assert {i: review for i, (review, _) in reviewed_lines(item).items()} == {
        0: "label_edit", 4: "label_edit", 2: "line_edit", 1: "field_edit"}  # line 3 is labelled npn but not the NPN's evidence
    rows = rows_from_reviewed([item])
    got = {r.provenance.line: (r.example.label, r.provenance.review, r.provenance.analyst, r.provenance.edit_seq) for r in rows}
    assert got == {0: ("product_name", "label_edit", "ana", 1), 1: ("npn", "field_edit", "bea", 4),
                   2: ("dose", "line_edit", "ana", 3), 4: ("caution", "label_edit", "bea", 2)}
    for r in rows:
        p = r.provenance
        assert (r.source, p.analysis_id, p.model_version) == ("correction", "a1", "cyclops-field-classifier/3")
        assert p.at == f"2026-11-21T10:0{p.edit_seq}:00+00:00"
    dose = next(r for r in rows if r.provenance.line == 2)
    # the classifier is given the text as read when served; the analyst's text is kept for the spelling vocabulary
    assert (dose.example.text, dose.provenance.text) == ("Tak 1 capsule daily", "Take 1 capsule daily.")


def test_dataset_card_counts_rows_per_source_and_label(tmp_path) -> None:
    from cyclops.retrain.dataset import REVIEW_RULE, build_dataset, dataset_card, save_dataset
    from cyclops.retrain.train import spelling_vocabulary
    from cyclops.storage import open_store

    dataset = build_dataset(reviewed=[_reviewed_product(k) for k in range(4)], synthetic_n=0)
    rows = dataset.train + dataset.heldout
    assert len(rows) == 16 and all(r.provenance for r in rows)
    review = dataset.manifest["review"]
    assert review["rule"] == REVIEW_RULE
    assert (review["lines_in_reviewed_analyses"], review["reviewed_lines"], review["unreviewed_lines_left_out"]) == (24, 16, 8)
    assert review["by_review"] == {"field_edit": 4, "label_edit": 8, "line_edit": 4}
    assert review["by_analyst"] == {"ana": 8, "bea": 8}
    assert review["by_model_version"] == {"cyclops-field-classifier/3": 16}
    train = dataset.manifest["train"]
    assert sum(train["by_review"].values()) == train["lines"] and train["by_source"] == {"correction": train["lines"]}
    assert sum(sum(c.values()) for c in train["by_label_and_review"].values()) == train["lines"]
    key = save_dataset(dataset, open_store(str(tmp_path / "store")))
    card = (tmp_path / "store" / key / "card.md").read_text()
    assert "## Lines per source" in card and "## Lines per label" in card and REVIEW_RULE in card
    assert "| label_edit | " in card and "| caution | " in card and "8 unreviewed were left out" in card
    assert "| ana | 8 |" in card
    assert "take" in spelling_vocabulary(rows)["en"] and "tak" not in spelling_vocabulary(rows)["en"]
    old = dataset.model_copy(deep=True)  # saved before rows had provenance: it still gets a card
    del old.manifest["review"]
    for side in ("train", "heldout"):
        del old.manifest[side]["by_review"], old.manifest[side]["by_label_and_review"]
    assert "| correction | 12 | 4 |" in dataset_card(old)


def test_a_label_may_lose_two_lines_worth_or_the_allowance() -> None:
    from cyclops.retrain.gate import label_allowance, label_guard

    assert label_allowance(40, 0.02) == 0.05 and label_allowance(400, 0.02) == 0.02
    current = {"caution": 1.0, "dose": 1.0, "brand": 1.0}
    candidate = {"caution": 0.96, "dose": 0.9, "brand": 0.5}
    reasons = label_guard(current, candidate, {"caution": 40, "dose": 40, "brand": 4}, where="fixed benchmark")
    assert len(reasons) == 1 and "label 'dose' loses 0.1000" in reasons[0]  # caution within 2/40; brand too few lines


def _page(aid: str, texts: list[tuple[str, str]]) -> Analysis:
    lines = [LabelledLine(image="img0", polygon=_square(10, 30 * i), text=t, label=lab) for i, (t, lab) in enumerate(texts)]
    return Analysis(analysis_id=aid, images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=40 * len(texts))],
                    lines=lines)


def test_learning_order_asks_first_about_the_lines_the_model_doubts() -> None:
    """A real classifier, trained on a few labelled pages: the product whose lines it cannot tell apart comes first."""
    from cyclops.extract.classifier import examples_from_analysis, train
    from cyclops.retrain.query import line_margins, pick_lines

    known = [("NPN 80012345", "npn"), ("Keep out of reach of children", "caution"), ("Take 1 capsule daily", "dose"),
             ("Made in Canada", "other")]
    pages = [_page(f"t{k}", [(f"{t} {k}" if lab != "npn" else f"NPN 8001234{k}", lab) for t, lab in known]) for k in range(6)]
    model = train([e for page in pages for e in examples_from_analysis(page)], seed=0)
    sure = _page("sure", [("NPN 80012349", "npn"), ("Keep out of reach of children", "caution"),
                          ("Take 1 capsule daily", "dose"), ("Made in Canada", "other")])
    doubtful = _page("doubtful", [("NPN 80012349", "npn"), ("Keep capsule daily children", "caution"),
                                  ("Take out of reach NPN", "dose"), ("Made in Canada", "other")])
    margins = {("sure", i): m for i, m in line_margins(model, sure).items()}
    margins |= {("doubtful", i): m for i, m in line_margins(model, doubtful).items()}
    assert len(margins) == 8 and all(0.0 <= m <= 1.0 for m in margins.values())
    assert min(m for (p, _), m in margins.items() if p == "doubtful") < min(m for (p, _), m in margins.items() if p == "sure")
    first = pick_lines(margins, 2)
    assert first[0][0] == "doubtful" and first[0][1] in (1, 2)  # a blended line, not the clear NPN or origin line
    # one line per product per round: the cap spreads the questions over products, and fills up when it must
    spread = pick_lines(margins, 3, per_product=1)
    assert [p for p, _ in spread[:2]] == ["doubtful", "sure"] and len(set(spread)) == 3
    assert line_margins(model, sure, lines=[3, 99]).keys() == {3}  # only the lines asked for, and only real ones


def test_simulated_analyst_asked_about_some_lines_reviews_only_those() -> None:
    from cyclops.lnhpd.records import LicenceBundle, ProductLicence
    from cyclops.model.truth import TruthImage, TruthLine
    from cyclops.retrain.dataset import rows_from_reviewed
    from cyclops.retrain.simulate import review_in_memory

    labels = ["brand", "product_name", "dose", "caution"]
    truth = ProductTruth(
        product_id="p1", licence=LicenceBundle(licence=ProductLicence(lnhpd_id=1, licence_number="80000001", product_name="X")),
        images=[TruthImage(id="front", file="front.png", width=400, height=400,
                           lines=[TruthLine(text=lab, label=lab, polygon=_square(10, 30 * i)) for i, lab in enumerate(labels)])])
    analysis = _page("a1", [(lab, "other") for lab in labels])
    reviewed = review_in_memory(analysis, truth, analyst="ana", at="2026-02-02T09:00:00+00:00", lines=[1, 3])
    assert [e.field for e in reviewed.edits] == ["lines[1].label", "lines[3].label"]
    assert {r.provenance.line: r.example.label for r in rows_from_reviewed([reviewed])} == {1: "product_name", 3: "caution"}


def test_labels_take_turns_so_a_confidently_wrong_label_still_gets_asked() -> None:
    from cyclops.retrain.query import pick_lines

    margins = {("a", 0): 0.01, ("a", 1): 0.02, ("b", 0): 0.03, ("b", 1): 0.04, ("c", 0): 0.6, ("c", 1): 0.9}
    labels = {("a", 0): "dose", ("a", 1): "dose", ("b", 0): "dose", ("b", 1): "dose", ("c", 0): "product_name",
              ("c", 1): "product_name"}
    assert pick_lines(margins, 2) == [("a", 0), ("a", 1)]
    assert pick_lines(margins, 2, labels=labels) == [("a", 0), ("c", 0)]  # the product-name lines' least sure one
    assert pick_lines(margins, 4, per_product=1, labels=labels) == [("a", 0), ("c", 0), ("b", 0), ("a", 1)]


def test_a_doubtful_line_comes_with_its_neighbours_within_the_budget() -> None:
    from cyclops.retrain.query import with_neighbours

    candidates = {("a", i) for i in range(4)} | {("b", 0), ("b", 1)}
    assert with_neighbours([("a", 0), ("b", 1)], candidates, 10) == [("a", 0), ("a", 1), ("b", 1), ("b", 0)]
    assert with_neighbours([("a", 2), ("a", 1)], candidates, 4) == [("a", 2), ("a", 1), ("a", 3), ("a", 0)]
    assert with_neighbours([("a", 2), ("b", 0)], candidates, 2) == [("a", 2), ("a", 1)]  # never past the budget


def test_lines_of_a_deleted_or_renamed_value_are_not_confirmed() -> None:
    """Deleting a claim says what its line is not; a product name typed anew is not read by the old name's line
    (BetterAlt); an amount corrected keeps its row's line confirmed as an ingredient."""
    from cyclops.edits import apply_edit
    from cyclops.model.analysis import Evidence, FieldValue, Ingredient, TextItem
    from cyclops.retrain.dataset import Reviewed, reviewed_lines

    texts = [("BetterAlt", "product_name"), ("Oral / Orale", "recommended_use"), ("Shilajit 400 mg", "medicinal_ingredient"),
             ("Supports energy", "recommended_use")]
    lines = [LabelledLine(image="img0", polygon=_square(10, 40 * i), text=t, label=lab) for i, (t, lab) in enumerate(texts)]
    box = [Evidence(image="img0", polygon=line.polygon, text=line.text) for line in lines]
    served = Analysis(analysis_id="b1", images=[ImageInfo(id="img0", sha256="0" * 64, width=400, height=400)], lines=lines)
    served.fields.product_name = FieldValue(value="BetterAlt", evidence=[box[0]])
    served.fields.recommended_uses = [TextItem(text="Oral / Orale", evidence=[box[1]]), TextItem(text="Supports energy", evidence=[box[3]])]
    served.fields.medicinal_ingredients = [Ingredient(name="Shilajit", quantity=400, unit="mg", evidence=[box[2]])]
    plan = [("fields.recommended_uses[0]", None), ("fields.product_name.value", "Himalayan Shilajit Honey Sticks"),
            ("fields.medicinal_ingredients[0].quantity", 450)]
    analysis, edits = served, []
    for seq, (path, value) in enumerate(plan, start=1):
        edit = Edit(analyst="ana", field=path, after=value, base_version=seq - 1, seq=seq, at="2026-12-01T10:00:00+00:00")
        edits.append(edit)
        analysis = apply_edit(analysis, edit)
    found = reviewed_lines(Reviewed(analysis=analysis, edits=edits, served=served))
    assert {i: review for i, (review, _) in found.items()} == {2: "field_edit"}  # not 0, 1, nor 3 (now item 0)
