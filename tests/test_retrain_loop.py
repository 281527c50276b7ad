"""The retraining loop end to end: real OCR, real corrections through MapiClient, real MLflow.

One module fixture renders a handful of "compact"-family products (tests/compact_products.py: a layout the
base model never saw), analyses them in-process, and has a truth-knowing analyst
correct the line labels through ``MapiClient.post_edit``; a second copy of some is
"reviewed" by a careless analyst who shuffles the labels. The served baseline is a
model trained by the same recipe on the synthetic base set alone, so the only
difference a candidate brings is what it learned from the corrections.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from cyclops.settings import get_settings
from tests.compact_products import analyse, render

SYNTH_N = 6
BENCH_N = 10
N_PRODUCTS = 5
#: products reviewed carelessly before the good batch (earlier reviews ``since`` must leave out), and in the held batch
N_EARLIER, N_CARELESS = 3, 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _use(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def family(tmp_path_factory: pytest.TempPathFactory, lnhpd_sample, _server_process):
    """Analysed compact-family products, corrected well (``good``), the first ``N_EARLIER`` shuffled before that
    (``shuffled``), and a served baseline."""
    import mlflow
    from cyclops.client import MapiClient
    from cyclops.retrain import dataset as rd
    from cyclops.retrain import train as rt
    from cyclops.retrain.simulate import review_with_truth
    from cyclops.retrain.tracking import MODEL_NAME, configure

    data = tmp_path_factory.mktemp("retrain-data")
    env = {"CYCLOPS_DATA_DIR": str(data), "CYCLOPS_LNHPD_DB": str(lnhpd_sample[0]), "OMP_THREAD_LIMIT": "1"}
    with pytest.MonkeyPatch.context() as mp:
        _use(mp, env)
        products = render(lnhpd_sample[1], range(N_PRODUCTS))
        t0 = time.monotonic()
        client = MapiClient()
        shuffled, good, edits, reviewed = [], [], 0, 0
        for k, (truth, photos) in enumerate(products[:N_EARLIER]):
            analysis, n = review_with_truth(client, analyse(client, photos, tmp_path_factory), truth, shuffle_seed=k)
            shuffled.append(analysis.analysis_id)
            reviewed += n > 0
        print(f"[retrain fixture] shuffled reviews {time.monotonic() - t0:.1f}s")
        time.sleep(1.1)  # edit times have one-second resolution
        good_since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        for truth, photos in products:
            analysis, n = review_with_truth(client, analyse(client, photos, tmp_path_factory), truth)
            if n:
                good.append(analysis.analysis_id)
            edits += n
            reviewed += n > 0
        print(f"[retrain fixture] good reviews {time.monotonic() - t0:.1f}s")
        # the served baseline: the same recipe on the synthetic base set alone
        base = rd.build_dataset(reviewed=[], synthetic_n=SYNTH_N)
        rd.save_dataset(base)
        baseline = rt.train_candidate(base)
        bench = rt.benchmark_examples(BENCH_N)
        base_evals = rt.evaluate_all(baseline, base, bench)
        print(f"[retrain fixture] baseline trained {time.monotonic() - t0:.1f}s")
        configure()
        info = rt.log_candidate(baseline, base, base_evals)
        print(f"[retrain fixture] baseline logged {time.monotonic() - t0:.1f}s")
        mlflow.MlflowClient().set_registered_model_alias(MODEL_NAME, "production", info["model_version"])
        get_settings.cache_clear()
    return {"env": env, "sample": lnhpd_sample[1], "products": products, "reviewed": reviewed, "good": good, "shuffled": shuffled, "good_since": good_since, "edits": edits,
            "baseline": baseline, "base": base, "base_evals": base_evals, "baseline_version": info["model_version"],
            "bench": bench}


@pytest.fixture()
def env(family, monkeypatch: pytest.MonkeyPatch) -> dict:
    _use(monkeypatch, family["env"])
    return family


@pytest.fixture(scope="module")
def _server_process(tmp_path_factory: pytest.TempPathFactory):
    """Start ``mlflow server`` early (it takes a while to boot) without waiting for it."""
    folder = tmp_path_factory.mktemp("mlflow-server")
    port = free_port()
    # no job runner: MLflow's server jobs (several huey consumer processes) are nothing cyclops uses, and they
    # would take CPU from the fixture that runs while the server boots
    env = {**os.environ, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
             "--artifacts-destination", str(folder / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )
    yield proc, f"http://127.0.0.1:{port}", folder / "server.log"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def mlflow_server(_server_process) -> str:
    """A real ``mlflow server`` process on loopback with its own SQLite store and artefact root, once healthy."""
    proc, url, log = _server_process
    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"mlflow server did not start: {log.read_text()[-3000:]}")
        time.sleep(0.5)


def test_corrections_went_through_the_dashboard_api(env) -> None:
    from cyclops.client import MapiClient
    from cyclops.retrain.dataset import collect_reviewed

    client = MapiClient()
    assert env["edits"] > 0
    some = env["good"][0]
    edits = client.edits(some)
    assert edits and all(e.field.startswith("lines[") and e.field.endswith("].label") for e in edits)
    assert client.get_analysis(some).version == len(edits)
    reviewed = collect_reviewed(since=env["good_since"])
    assert sorted(r.analysis.analysis_id for r in reviewed) == sorted(env["good"])
    assert len(collect_reviewed()) == env["reviewed"] >= N_PRODUCTS + 2


def test_papermill_loop_makes_a_challenger_that_takes_production_on_fresh_corrections(
        env, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    import mlflow
    from cyclops.client import MapiClient
    from cyclops.fieldmodel.registry import ModelWatcher, load_served_model
    from cyclops.fieldmodel.shadow import record_shadow
    from cyclops.retrain.challenger import decide_challenger
    from cyclops.retrain.dataset import load_dataset
    from cyclops.retrain.judge import GateSettings
    from cyclops.retrain.runner import run_retrain
    from cyclops.retrain.simulate import review_with_truth
    from cyclops.retrain.tracking import MODEL_NAME
    from cyclops.storage import open_store

    watcher = ModelWatcher(interval=3600)
    assert watcher.current()[1] == f"{MODEL_NAME}/{env['baseline_version']}"
    # as `cyclops retrain-scheduled` runs (the CronJob): on top of the packaged model's training lines (a candidate
    # of six synthetic products and the corrections forgets base layouts, and the fixed benchmark rightly refuses it)
    from cyclops.retrain.schedule import scheduled_run
    from cyclops.service.retrain_runs import STATUS_KEY

    made: dict = {}

    def retrain(since):  # the real loop, on the good batch (the careless one is another test's)
        made.update(run_retrain(since=env["good_since"], synthetic_n=SYNTH_N, bench_n=BENCH_N, workdir=tmp_path,
                                progress=False, packaged_base=True))
        return made

    run = scheduled_run(min_corrections=10, retrain=retrain, decide=lambda: {"outcome": "no_challenger"})
    record = made
    # the scheduled run's own record: its inputs, outcome and duration, and the window moved on
    assert run.outcome == "challenger" and run.error is None and run.seconds > 0
    assert run.corrections_since_last >= 10 and run.dataset_sha256 == record["dataset_sha256"]
    status = open_store().get_json(STATUS_KEY)
    assert status["runs"].get("challenger") == 1 and status["next_since"] == run.started_at

    # the production gate (label allowance 0.02, or two lines' worth) on data the batch cannot touch
    assert record["outcome"] == "challenger", record["reasons"]
    assert record["settings"] == GateSettings().model_dump()
    batch = record["scores"]["batch_heldout"]
    assert batch["candidate"] - batch["current"] >= 0.03, batch
    bench = record["scores"]["benchmark"]
    assert bench["accuracy_candidate"] >= bench["accuracy_current"] - 0.02
    # the dataset: versioned in the store, corrections from exactly the good analyses, split by product
    dataset = load_dataset(record["dataset_version"])
    assert sorted(dataset.manifest["analyses"]) == sorted(env["good"])
    assert {r.group for r in dataset.train}.isdisjoint({r.group for r in dataset.heldout})
    assert dataset.manifest["train"]["by_source"]["correction"] > 0 and dataset.manifest["keep_aside"] is True
    # a challenger serves nothing: production and the watcher are where they were
    client = mlflow.MlflowClient()
    candidate = record["candidate_version"]
    assert str(client.get_model_version_by_alias(MODEL_NAME, "challenger").version) == candidate
    assert str(client.get_model_version_by_alias(MODEL_NAME, "production").version) == env["baseline_version"]
    assert watcher.check_now() is False

    # new products arrive: served by the champion, the challenger's labels kept in shadow; analysts correct them
    mapi = MapiClient()
    store = open_store()
    from cyclops.settings import get_settings

    sample = env["sample"]
    for truth, photos in render(sample, range(N_PRODUCTS, N_PRODUCTS + 3), first_seed=760):
        analysis = analyse(mapi, photos, tmp_path_factory)
        assert analysis.versions["field_classifier"] == f"{MODEL_NAME}/{env['baseline_version']}"
        key = record_shadow(analysis, store)
        shadow = store.get_json(key)
        assert shadow["challenger"] == f"{MODEL_NAME}/{candidate}" and len(shadow["lines"]) == len(analysis.lines)
        review_with_truth(mapi, analysis, truth, analyst="carol")
    assert get_settings().data_dir == Path(env["env"]["CYCLOPS_DATA_DIR"])
    decision = decide_challenger(bench=env["bench"])
    assert decision["outcome"] == "promoted", decision["reasons"]
    assert decision["scores"]["fresh"]["candidate"] > decision["scores"]["fresh"]["current"]
    assert str(client.get_model_version_by_alias(MODEL_NAME, "production").version) == candidate
    tags = client.get_model_version(MODEL_NAME, candidate).tags
    assert tags["promotion"] == "promoted" and tags["previous_production"] == env["baseline_version"]
    assert "promoted to production" in client.get_model_version(MODEL_NAME, candidate).description
    assert watcher.check_now() is True and watcher.current()[1] == f"{MODEL_NAME}/{candidate}"
    model, label = load_served_model()
    assert label == watcher.current()[1] and hasattr(model, "predict_proba")
    # and the pipeline's default (what mapi and the CLI use) now serves and records the promoted version
    from cyclops.fieldmodel.registry import reset_watcher
    from cyclops.pipeline import served_model

    reset_watcher()
    assert served_model()[1] == f"{MODEL_NAME}/{candidate}"
    # records: gate tag, promotion.json, store copy, executed notebooks as artefacts
    assert client.get_run(record["candidate_run_id"]).data.tags["gate"] == "challenger"
    assert json.loads((tmp_path / "promotion.json").read_text())["outcome"] == "challenger"
    assert store.get_json(f"retrain/promotions/{record['dataset_version']}-v{candidate}.json")["outcome"] == "challenger"
    names = {Path(a.path).name for a in client.list_artifacts(record["candidate_run_id"], "notebooks")}
    assert names == {"01_build_dataset.executed.ipynb", "02_train.executed.ipynb", "03_promote.executed.ipynb"}
    assert "03_promote.executed.ipynb" in store.list(f"retrain/{record['dataset_version']}")
    run = client.get_run(record["candidate_run_id"])
    assert run.data.params["dataset_sha256"] == dataset.sha256
    assert "heldout_medicinal_ingredient_f1" in run.data.metrics
    assert {"confusion_heldout.png", "confusion_benchmark.png"} <= {Path(a.path).name for a in client.list_artifacts(run.info.run_id)}
    assert client.get_model_version(MODEL_NAME, candidate).run_id == run.info.run_id


def test_a_batch_with_shuffled_labels_is_held_before_training_on_a_tracking_server(env, mlflow_server: str, tmp_path: Path) -> None:
    """A careless analyst's new batch overturns the served model far more than usual and contradicts earlier reviews."""
    import mlflow
    from cyclops.client import MapiClient
    from cyclops.retrain import train as rt
    from cyclops.retrain.runner import run_retrain
    from cyclops.retrain.simulate import review_with_truth
    from cyclops.retrain.tracking import MODEL_NAME, configure
    from cyclops.storage import open_store

    assert configure(mlflow_server) == mlflow_server
    served = rt.log_candidate(env["baseline"], env["base"], env["base_evals"])
    client = mlflow.MlflowClient()
    client.set_registered_model_alias(MODEL_NAME, "production", served["model_version"])
    versions = len(client.search_model_versions(f"name='{MODEL_NAME}'"))
    time.sleep(1.1)  # edit times have one-second resolution
    careless_since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    mapi = MapiClient()
    for k, (truth, photos) in enumerate(env["products"][:N_CARELESS]):  # the same photos again (OCR cached), labels shuffled
        review_with_truth(mapi, mapi.analyze(photos), truth, analyst="careless", shuffle_seed=100 + k)

    record = run_retrain(since=careless_since, tracking_uri=mlflow_server, synthetic_n=SYNTH_N, bench_n=BENCH_N,
                         workdir=tmp_path, progress=False)

    assert record["outcome"] == "held" and record["promoted"] is False
    assert any("analysts labelled" in r or "confident predictions" in r or "disagree" in r for r in record["reasons"]), record
    assert record["screen"]["by_analyst"]["careless"]["overturned"] > 0
    assert len(client.search_model_versions(f"name='{MODEL_NAME}'")) == versions  # nothing was trained
    assert not (tmp_path / "02_train.executed.ipynb").exists()
    assert str(client.get_model_version_by_alias(MODEL_NAME, "production").version) == served["model_version"]
    assert open_store().get_json(f"retrain/promotions/{record['dataset_version']}-vnone.json")["outcome"] == "held"
    assert json.loads((tmp_path / "promotion.json").read_text())["reasons"] == record["reasons"]
    assert mlflow.get_tracking_uri() == mlflow_server


def test_cli_refuses_a_bad_date(env) -> None:
    import typer
    from typer.testing import CliRunner

    from cyclops.retrain.cli import register

    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # two commands, so typer keeps the command name
    result = CliRunner().invoke(app, ["retrain", "--since", "last tuesday"])
    assert result.exit_code != 0
    assert "ISO date" in result.output
