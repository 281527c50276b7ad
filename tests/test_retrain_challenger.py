"""Champion and challenger on a real MLflow registry (SQLite store), shadow predictions, rollback, scheduled runs.

Models are trained on parts of the packaged model's own training lines (real lines, real recipe): a weak
champion on a few products, a strong challenger on many, and a challenger taught that every caution is
a dose. Fresh corrections and the fixed benchmark are other products' lines, never trained on.
Each model is logged once per module (a log is two skops dumps of the model): the tests share one registry
and each starts with no alias set, on its own data dir.
"""

from __future__ import annotations

import pytest

from cyclops.settings import get_settings

WEAK, STRONG, FRESH, BENCH = 6, 40, 15, 15


@pytest.fixture(scope="module")
def lines():
    """Products' lines, dealt out by product: weak training, strong training, fresh corrections, benchmark."""
    from collections import defaultdict

    from cyclops.retrain.base_set import base_examples

    by_product = defaultdict(list)
    for example in base_examples():
        by_product[example.product_id].append(example)
    groups = sorted(by_product)
    take = iter(groups)

    def part(n: int) -> list:
        return [e for _ in range(n) for e in by_product[next(take)]]

    return {"weak": part(WEAK), "strong": part(STRONG), "fresh": part(FRESH), "bench": part(BENCH)}


@pytest.fixture(scope="module")
def models(lines):
    from cyclops.extract.classifier import train

    flipped = [e.model_copy(update={"label": "dose"}) if e.label == "caution" else e for e in lines["strong"]]
    return {"weak": train(lines["weak"]), "strong": train(lines["strong"]), "flipped": train(flipped)}


@pytest.fixture(scope="module")
def _registry(tmp_path_factory: pytest.TempPathFactory, lines) -> dict:
    """One SQLite MLflow store for the module, the dataset models are logged with, and the versions logged so far."""
    from cyclops.retrain import dataset as rd

    rows = [rd.Row(source="synthetic", group=f"base:{e.product_id}", example=e) for e in lines["weak"]]
    train_rows, heldout_rows = rd.split_by_product(rows, 0.3)
    sha = rd.content_hash(train_rows, heldout_rows)
    manifest = {"version": "test", "sha256": sha, "created_at": "2026-12-01T00:00:00+00:00", "since": None, "analyses": [],
                "edits": 0, "duplicates_dropped": 0, "unknown_labels_left_out": {}, "synthetic": {"packaged_base": "part"},
                "heldout_fraction": 0.3, "split_seed": 0, "train": rd._counts(train_rows), "heldout": rd._counts(heldout_rows)}
    dataset = rd.Dataset(version="test", sha256=sha, train=train_rows, heldout=heldout_rows, manifest=manifest)
    uri = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'mlflow.db'}"
    return {"uri": uri, "dataset": dataset, "versions": {}}


@pytest.fixture()
def registry(tmp_path, monkeypatch: pytest.MonkeyPatch, lines, _registry):
    """The module's MLflow store with no alias set, this test's own data dir (store); ``register(model)`` logs a model
    as ``cyclops retrain`` does (once per module) and returns its version."""
    from cyclops.retrain import train as rt
    from cyclops.retrain.tracking import configure

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CYCLOPS_MLFLOW_URI", _registry["uri"])
    get_settings.cache_clear()
    configure()
    for alias in ("production", "challenger"):  # what an earlier test left: each test starts from the packaged model
        if _alias(alias) is not None:
            _client().delete_registered_model_alias("cyclops-field-classifier", alias)
    dataset, versions = _registry["dataset"], _registry["versions"]
    bench = lines["bench"][:200]

    def register(model) -> str:
        if id(model) not in versions:
            versions[id(model)] = rt.log_candidate(model, dataset, rt.evaluate_all(model, dataset, bench))["model_version"]
        return versions[id(model)]

    return register


def _client():
    import mlflow

    return mlflow.MlflowClient()


def _alias(name: str) -> str | None:
    from cyclops.retrain.challenger import alias_version

    return alias_version(name)


def _version(v: str):
    from cyclops.retrain.tracking import MODEL_NAME

    return _client().get_model_version(MODEL_NAME, v)


def _passed(reason: str):
    from cyclops.retrain.judge import Verdict

    return Verdict(passed=True, reasons=[reason])


def test_challenger_promoted_on_fresh_corrections_then_rolled_back(registry, models, lines) -> None:
    import typer
    from typer.testing import CliRunner

    from cyclops.retrain import challenger as ch
    from cyclops.retrain.cli import register

    weak = registry(models["weak"])
    assert ch.decide_challenger(bench=lines["bench"], fresh=lines["fresh"])["outcome"] == "no_challenger"
    ch.make_challenger(weak, _passed("first model"))
    first = ch.decide_challenger(bench=lines["bench"], fresh=lines["fresh"][:10])
    assert first["outcome"] == "waiting" and _alias("challenger") == weak  # too few fresh lines: it keeps waiting
    # the weak model against the packaged one: refused, and the registry says why
    refused = ch.decide_challenger(bench=lines["bench"], fresh=lines["fresh"])
    assert refused["outcome"] == "refused" and _alias("challenger") is None and _alias("production") is None
    assert _version(weak).tags["promotion"] == "refused" and "not +0.0100 better" in _version(weak).tags["promotion_reasons"]
    # promote the weak one by hand, as if it had won earlier; then a strong challenger beats it
    _client().set_registered_model_alias("cyclops-field-classifier", "production", weak)
    _client().set_model_version_tag("cyclops-field-classifier", weak, "previous_production", "packaged")
    strong = registry(models["strong"])
    ch.make_challenger(strong, _passed("gate passed"))
    assert _alias("challenger") == strong and _alias("production") == weak  # a challenger serves nothing
    record = ch.decide_challenger(bench=lines["bench"], fresh=lines["fresh"])
    assert record["outcome"] == "promoted", record["reasons"]
    assert record["scores"]["fresh"]["candidate"] > record["scores"]["fresh"]["current"] + 0.01
    assert _alias("production") == strong and _alias("challenger") is None
    tags = _version(strong).tags
    assert tags["promotion"] == "promoted" and tags["previous_production"] == weak and tags["stage"] == "production"
    assert "challenger: passed the gate" in _version(strong).description
    assert "promoted to production" in _version(strong).description

    # one command rolls back, twice: to the weak model, then to the packaged one; a third has nothing to undo
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["retrain-rollback", "--reason", "analysts report wrong doses"])
    assert result.exit_code == 0, result.output
    assert _alias("production") == weak
    assert _version(strong).tags["stage"] == "rolled_back"
    assert "analysts report wrong doses" in _version(strong).description
    assert ch.rollback()["to"] == "packaged" and _alias("production") is None
    with pytest.raises(ch.RollbackError):
        ch.rollback()


def test_a_challenger_that_learned_a_flipped_field_is_refused(registry, models, lines) -> None:
    from cyclops.retrain import challenger as ch

    champion = registry(models["strong"])
    _client().set_registered_model_alias("cyclops-field-classifier", "production", champion)
    bad = registry(models["flipped"])
    ch.make_challenger(bad, _passed("gate passed"))
    record = ch.decide_challenger(bench=lines["bench"], fresh=lines["fresh"])
    assert record["outcome"] == "refused"
    assert any("'caution' loses" in r for r in record["reasons"]), record["reasons"]
    assert _alias("production") == champion and _alias("challenger") is None
    assert "'caution' loses" in _version(bad).tags["promotion_reasons"]


def test_shadow_predictions_are_stored_beside_the_champions(registry, models) -> None:
    from cyclops.fieldmodel.shadow import PREFIX, record_shadow
    from cyclops.model.analysis import Analysis, ImageInfo, LabelledLine
    from cyclops.retrain import challenger as ch
    from cyclops.storage import open_store

    texts = [("VITAMIN D3 1000 IU", "product_name"), ("Caution: keep out of reach of children.", "other"),
             ("Take 1 tablet daily with food.", "dose")]
    analysis = Analysis(analysis_id="a-shadow", images=[ImageInfo(id="p1", sha256="0", width=1000, height=800)],
                        lines=[LabelledLine(image="p1", polygon=[(50, 60 + 80 * i), (900, 60 + 80 * i), (900, 100 + 80 * i), (50, 100 + 80 * i)],
                                            text=t, label=label) for i, (t, label) in enumerate(texts)],
                        versions={"field_classifier": "packaged-test"})
    store = open_store()
    assert record_shadow(analysis, store) is None  # no challenger: nothing done
    version = registry(models["strong"])
    ch.make_challenger(version, _passed("gate passed"))
    key = record_shadow(analysis, store)
    assert key == f"{PREFIX}/a-shadow-v{version}.json"
    record = store.get_json(key)
    assert record["champion"] == "packaged-test" and record["challenger"].endswith(f"/{version}")
    assert [x["champion"] for x in record["lines"]] == ["product_name", "other", "dose"]
    assert record["lines"][1]["challenger"] == "caution"  # the challenger's own answer, kept beside the served one
    assert store.list(PREFIX) == [key.rsplit("/", 1)[-1]]
