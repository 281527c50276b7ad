"""Safe defaults: the workbench token (never on a command line, never printed whole, JupyterHub only when real),
models loaded without running code from the artefact, and compose's separate object-store accounts."""

from __future__ import annotations

import os
import pickle
import stat
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.servers import REPO, free_port

HUB = {"JUPYTERHUB_API_TOKEN": "hub-secret", "JUPYTERHUB_API_URL": "http://hub:8081/hub/api", "JUPYTERHUB_USER": "ann"}


# --- workbench token ------------------------------------------------------------------------------


def test_token_from_the_environment_then_a_private_file(configure, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from cyclops.workbench.serve import workbench_token

    configure(workbench_token="from-env-0123456789")
    assert workbench_token({}) == ("from-env-0123456789", "CYCLOPS_WORKBENCH_TOKEN")
    monkeypatch.delenv("CYCLOPS_WORKBENCH_TOKEN")
    configure(workbench_token_file=str(tmp_path / "secrets" / "wb-token"))
    token, source = workbench_token({})
    assert len(token) >= 24 and source == str(tmp_path / "secrets" / "wb-token")
    assert stat.S_IMODE((tmp_path / "secrets" / "wb-token").stat().st_mode) == 0o600
    assert workbench_token({}) == (token, source)  # the same token next time


def test_jupyterhub_only_when_really_under_a_hub() -> None:
    from cyclops.workbench.serve import under_jupyterhub, workbench_token

    assert workbench_token(HUB) == ("", "JupyterHub authenticates")
    stray = {"JUPYTERHUB_API_TOKEN": "anything"}  # e.g. left in a shell: must not switch the token off
    assert not under_jupyterhub(stray)
    token, _ = workbench_token(stray)
    assert token


def test_workbench_runs_with_its_token_kept_off_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from cyclops.workbench.serve import serve_workbench

    port = free_port()
    server = serve_workbench(port=port, wait=False, preheat=False, env={"CYCLOPS_DATA_DIR": str(tmp_path)})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                anonymous = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.process.poll() is None
                time.sleep(0.3)
        assert anonymous.status_code in (302, 403)  # no token: sent to the login page
        assert httpx.get(server.url, timeout=60).status_code == 200
        cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().decode()
        assert server.token and server.token not in cmdline
    finally:
        server.stop()
    printed = capsys.readouterr().out
    assert server.token not in printed and "token" in printed
    assert server.config_dir is not None and not server.config_dir.exists()  # the private config is removed


def test_serve_workbench_has_no_token_option() -> None:
    from typer.testing import CliRunner

    from cyclops.cli import app

    result = CliRunner().invoke(app, ["serve", "workbench", "--help"])
    assert result.exit_code == 0 and "--token" not in result.output


# --- models load without running code ---------------------------------------------------------------


@pytest.fixture(scope="module")
def skops_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small servable pipeline (our ToRecords in front) as MLflow's sklearn flavour writes it with skops."""
    import skops.io
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from cyclops.retrain.servable import ToRecords

    model = Pipeline([("records", ToRecords()), ("clf", LogisticRegression().fit([[0.0], [1.0], [0.1], [0.9]], [0, 1, 0, 1]))])
    folder = tmp_path_factory.mktemp("skops-model")
    skops.io.dump(model, folder / "model.skops")
    (folder / "MLmodel").write_text(yaml.safe_dump({"flavors": {"sklearn": {
        "pickled_model": "model.skops", "serialization_format": "skops", "sklearn_version": "1"}}}))
    return folder


def _model_folder(tmp_path: Path, source: Path) -> Path:
    import shutil

    return Path(shutil.copytree(source, tmp_path / "model"))


class _Boom:
    def __reduce__(self):
        return (os.system, (f"touch {_Boom.marker}",))


def test_registered_model_loads_with_skops_and_refuses_pickle(tmp_path: Path, skops_model: Path) -> None:
    from cyclops.fieldmodel.registry import UnsafeModel, load_skops_model

    folder = _model_folder(tmp_path, skops_model)
    model = load_skops_model(folder)
    assert type(model.steps[0][1]).__name__ == "ToRecords"  # our own type, allowed
    assert list(model.steps[-1][1].predict([[0.0], [1.0]])) == [0, 1]  # a working classifier

    # someone with write access to the artefacts swaps in a pickle and says so in MLmodel
    marker = tmp_path / "pwned"
    _Boom.marker = marker
    (folder / "model.pkl").write_bytes(pickle.dumps(_Boom()))
    meta = yaml.safe_load((folder / "MLmodel").read_text())
    meta["flavors"]["sklearn"].update({"serialization_format": "cloudpickle", "pickled_model": "model.pkl"})
    (folder / "MLmodel").write_text(yaml.safe_dump(meta))
    with pytest.raises(UnsafeModel, match="only 'skops'"):
        load_skops_model(folder)
    assert not marker.exists()


def test_skops_model_with_a_foreign_type_is_refused(tmp_path: Path, skops_model: Path) -> None:
    import skops.io
    from sklearn.preprocessing import FunctionTransformer

    from cyclops.fieldmodel.registry import UnsafeModel, load_skops_model

    folder = _model_folder(tmp_path, skops_model)
    skops.io.dump(FunctionTransformer(func=os.system), folder / "model.skops")
    with pytest.raises(UnsafeModel, match="allow-list"):
        load_skops_model(folder)
    meta = yaml.safe_load((folder / "MLmodel").read_text())
    meta["flavors"]["sklearn"]["pickled_model"] = "../../etc/passwd"
    (folder / "MLmodel").write_text(yaml.safe_dump(meta))
    with pytest.raises(UnsafeModel, match="not inside"):
        load_skops_model(folder)


# --- compose: the application cannot write the MLflow bucket -----------------------------------------


def test_compose_gives_the_app_and_mlflow_separate_minio_accounts() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    app_key = services["mapi"]["environment"]["AWS_ACCESS_KEY_ID"]
    mlflow_key = services["mlflow"]["environment"]["AWS_ACCESS_KEY_ID"]
    assert app_key != mlflow_key and "MLFLOW" in mlflow_key
    script = services["minio-init"]["command"][0]
    policy = (REPO / "docker" / "minio" / "cyclops-app-policy.json").read_text()
    import json

    statements = json.loads(policy)["Statement"]
    resources = {r for s in statements for r in s["Resource"]}
    assert resources and all(r.startswith("arn:aws:s3:::cyclops") for r in resources)  # nothing of the mlflow bucket
    assert "policy attach local readwrite" not in script
    assert "cyclops-app" in script and "mlflow-artifacts" in script
    for name in ("mapi", "workbench"):
        env = services[name]["environment"]
        assert env["AWS_ACCESS_KEY_ID"] == app_key
    assert services["mapi"]["environment"]["CYCLOPS_MAPI_TOKENS_FILE"].startswith("/run/secrets/")
