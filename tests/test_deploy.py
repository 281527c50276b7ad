"""Offline checks of the deployment files: compose, Dockerfiles, nginx, kustomize, CI, conda.

No Docker engine or cluster runs here, so each file is checked against the schema or parser made
for it (compose-spec and GitHub-workflow schemas via check-jsonschema, the Kubernetes overlays rendered
by kubectl's own kustomize and checked against the schemas bundled in kubernetes-validate, nginx's own
parser crossplane, dockerfile-parse) plus the project's own rules:
every CYCLOPS_* variable is a real setting, mapi scales behind the proxy, probes hit the right paths.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import crossplane
import kubernetes_validate
import pytest
import yaml
from check_jsonschema.cli.main_command import main as check_jsonschema_cli
from click.testing import CliRunner
from dockerfile_parse import DockerfileParser

from cyclops.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ["dev", "prod"]
K8S_VERSION = "1.33"
LONG_RUNNING = {"mapi", "workbench", "proxy", "jupyterlab", "retrain", "minio", "mongo", "postgres", "mlflow"}
SETTING_VARS = {f"CYCLOPS_{name.upper()}" for name in Settings.model_fields}
CYCLOPS_VAR = re.compile(r"\bCYCLOPS_[A-Z0-9_]+\b")
COMPOSE_REF = re.compile(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)")  # ${VAR...}, not the escaped $${VAR}


# ---------------------------------------------------------------- helpers


def _check_jsonschema(builtin: str, path: Path):
    """`check-jsonschema --builtin-schema NAME FILE`, in-process: one interpreter start is seconds on a busy machine."""
    return CliRunner().invoke(check_jsonschema_cli, ["--builtin-schema", builtin, str(path)])


def _key(doc: dict) -> tuple[str, str]:
    return doc["kind"], doc["metadata"]["name"]


def _containers(doc: dict) -> list[dict]:
    spec = doc.get("spec", {})
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", []) + pod.get("initContainers", [])


def _kustomize() -> list[str]:
    """The kustomize operators use: kubectl's, from .venv/bin (scripts/install-kubectl.sh), else one on PATH."""
    kubectl = Path(sys.executable).parent / "kubectl"
    if kubectl.is_file():
        return [str(kubectl), "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    pytest.fail("no kustomize: `make install` runs scripts/install-kubectl.sh, which puts kubectl in .venv/bin")


def render(directory: Path) -> list[dict]:
    """``kubectl kustomize DIRECTORY``: the objects exactly as ``kubectl apply -k`` sends them."""
    result = subprocess.run([*_kustomize(), str(directory)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"kustomize {directory}: {result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict]]:
    return {"base": render(K8S / "base")} | {name: render(K8S / "overlays" / name) for name in OVERLAYS}


# ---------------------------------------------------------------- docker compose


def test_compose_matches_compose_spec(tmp_path):
    result = _check_jsonschema("vendor.compose-spec", COMPOSE)
    assert result.exit_code == 0, result.output
    broken = yaml.safe_load(COMPOSE.read_text())
    broken["services"]["mapi"]["depends_on"]["mongo"]["condition"] = "service_ready"
    (tmp_path / "compose.yml").write_text(yaml.safe_dump(broken))
    assert _check_jsonschema("vendor.compose-spec", tmp_path / "compose.yml").exit_code != 0, "the schema must catch a typo"


def test_compose_has_every_service_with_build_or_image(compose):
    services = compose["services"]
    assert LONG_RUNNING | {"minio-init"} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
    for name, dockerfile in {"mapi": "docker/mapi.Dockerfile", "workbench": "docker/workbench.Dockerfile"}.items():
        assert services[name]["build"]["dockerfile"] == dockerfile
        assert (ROOT / services[name]["build"]["context"] / dockerfile).is_file()
    assert (ROOT / services["mlflow"]["build"]["context"] / "Dockerfile").is_file()
    assert services["jupyterlab"]["profiles"] == ["lab"] and services["retrain"]["profiles"] == ["retrain"]
    assert "minio" in services["minio"]["image"] and services["minio-init"]["image"].startswith("${MC_IMAGE:-minio/mc:")


def test_mapi_is_scalable_behind_the_proxy(compose):
    mapi, proxy = compose["services"]["mapi"], compose["services"]["proxy"]
    assert "container_name" not in mapi and "ports" not in mapi, "a fixed name or host port breaks --scale mapi=N"
    assert mapi["expose"] == ["8000"]
    assert proxy["depends_on"]["mapi"]["condition"] == "service_healthy"
    published = {p.rsplit(":", 1)[1] for p in proxy["ports"]}
    assert published == {"8000", "8866"}
    assert compose["services"]["workbench"]["environment"]["CYCLOPS_MAPI_URL"] == "http://proxy:8000"
    conf = [v for v in proxy["volumes"] if v.endswith("/etc/nginx/conf.d/default.conf:ro")]
    assert conf and (ROOT / conf[0].split(":")[0]).is_file()


def test_every_long_running_service_has_a_healthcheck_and_waits_for_healthy_dependencies(compose):
    services = compose["services"]
    for name in LONG_RUNNING:
        test = services[name]["healthcheck"]["test"]
        assert test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, name
    assert "healthcheck" not in services["minio-init"] and services["minio-init"]["restart"] == "no"
    assert "/readyz" in " ".join(services["mapi"]["healthcheck"]["test"])
    for name, service in services.items():
        for dep, rule in service.get("depends_on", {}).items():
            assert dep in services, (name, dep)
            expected = "service_completed_successfully" if dep == "minio-init" else "service_healthy"
            assert rule["condition"] == expected, (name, dep)
            assert dep == "minio-init" or "healthcheck" in services[dep], (name, dep)


def test_compose_volumes_are_named_and_declared(compose):
    declared = set(compose["volumes"])
    used = set()
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                used.add(source)
    assert used == declared == {"cyclops-data", "minio-data", "mongo-data", "postgres-data"}


def test_minio_init_creates_both_buckets_and_mlflow_uses_them(compose):
    script = compose["services"]["minio-init"]["command"][0]
    assert "mc mb --ignore-existing local/cyclops local/mlflow" in script
    env = compose["services"]["mapi"]["environment"]
    assert env["CYCLOPS_STORE"].startswith("s3://cyclops/") and env["CYCLOPS_S3_ENDPOINT_URL"] == "http://minio:9000"
    mlflow = compose["services"]["mlflow"]["environment"]
    assert mlflow["MLFLOW_ARTIFACTS_DESTINATION"] == "s3://mlflow/"
    assert mlflow["MLFLOW_BACKEND_STORE_URI"].startswith("postgresql://") and "@postgres:5432/" in mlflow["MLFLOW_BACKEND_STORE_URI"]
    assert "mlflow" in mlflow["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")


def test_retrain_runs_weekly_by_default(compose):
    retrain = compose["services"]["retrain"]
    assert retrain["environment"]["RETRAIN_INTERVAL_SECONDS"] == "${RETRAIN_INTERVAL_SECONDS:-604800}"
    assert 604800 == 7 * 24 * 3600
    script = retrain["command"][-1]
    assert "cyclops retrain" in script and 'sleep "$${RETRAIN_INTERVAL_SECONDS}"' in script


def test_lnhpd_refresh_profile_runs_weekly_on_the_volume_mapi_reads(compose):
    refresh = compose["services"]["lnhpd-refresh"]
    assert refresh["profiles"] == ["refresh"]
    assert int(refresh["environment"]["LNHPD_REFRESH_INTERVAL_SECONDS"]) == 7 * 24 * 3600
    script = refresh["command"][-1]
    assert "cyclops lnhpd refresh --work /data/" in script and 'sleep "$${LNHPD_REFRESH_INTERVAL_SECONDS}"' in script
    assert "cyclops-data:/data" in refresh["volumes"] and "cyclops-data:/data" in compose["services"]["mapi"]["volumes"]
    assert refresh["environment"]["CYCLOPS_DATA_DIR"] == compose["services"]["mapi"]["environment"]["CYCLOPS_DATA_DIR"]


def test_cyclops_variables_in_compose_are_real_settings(compose):
    used = set(CYCLOPS_VAR.findall(COMPOSE.read_text()))
    assert {"CYCLOPS_MAPI_TOKENS", "CYCLOPS_MONGO_URL", "CYCLOPS_MLFLOW_URI"} <= used
    assert used - SETTING_VARS == set(), "not fields of cyclops.settings.Settings"


def test_env_example_covers_every_compose_variable_with_placeholders():
    entries = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#")
    )
    referenced = set(COMPOSE_REF.findall(COMPOSE.read_text()))
    assert referenced and referenced - set(entries) == set(), "missing from .env.example"
    assert set(entries) - referenced == set(), ".env.example lists variables compose never reads"
    assert set(CYCLOPS_VAR.findall(ENV_EXAMPLE.read_text())) <= SETTING_VARS
    for name, value in entries.items():
        if re.search(r"PASSWORD|SECRET|TOKEN", name):
            assert "change-me" in value, f"{name} must be a placeholder, not a real secret"


# ---------------------------------------------------------------- Dockerfiles and nginx


@pytest.mark.parametrize("name", ["mapi", "workbench"])
def test_app_dockerfiles(name):
    parser = DockerfileParser(path=str(ROOT / "docker" / f"{name}.Dockerfile"))
    instructions = parser.structure
    froms = [i["value"].split()[0] for i in instructions if i["instruction"] == "FROM"]
    assert froms and set(froms) == {"python:3.11-slim"} and len(froms) >= 2, "multi-stage on python:3.11-slim"
    users = [i["value"] for i in instructions if i["instruction"] == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert any(i["instruction"] == "HEALTHCHECK" for i in instructions)
    runs = " ".join(i["value"] for i in instructions if i["instruction"] == "RUN")
    for package in ["tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-fra", "fonts-dejavu-core", "fonts-dejavu-extra", "fonts-liberation",
                    "fonts-noto-core"]:
        assert re.search(rf"\b{re.escape(package)}\b", runs), package
    assert "--no-install-recommends" in runs and "rm -rf /var/lib/apt/lists/*" in runs
    # the dependency layer comes before the source, so code edits reuse it
    copies = [i["value"] for i in instructions if i["instruction"] == "COPY"]
    assert copies.index("pyproject.toml ./") < copies.index("cyclops ./cyclops")
    for source in ["cyclops", "notebooks", "retrain"]:
        assert (ROOT / source).is_dir()
    cmd = parser.cmd if isinstance(parser.cmd, str) else " ".join(parser.cmd)
    assert f"cyclops serve {name}" in cmd
    assert set(CYCLOPS_VAR.findall(parser.content)) <= SETTING_VARS


def test_mlflow_dockerfile_pins_the_server():
    parser = DockerfileParser(path=str(ROOT / "mlflow" / "Dockerfile"))
    assert parser.baseimage == "python:3.11-slim"
    runs = " ".join(i["value"] for i in parser.structure if i["instruction"] == "RUN")
    assert '"mlflow==3.17.2"' in runs and "boto3" in runs and "psycopg2-binary" in runs
    assert [i["value"] for i in parser.structure if i["instruction"] == "USER"][-1] == "mlflow"
    assert any(i["instruction"] == "HEALTHCHECK" for i in parser.structure)
    assert "--serve-artifacts" in parser.content
    assert "MLFLOW_ARTIFACTS_DESTINATION" in (ROOT / "mlflow" / "README.md").read_text()


def test_nginx_config_parses_and_balances_over_mapi(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text(f"events {{}}\nhttp {{\n include {ROOT / 'docker' / 'nginx' / 'cyclops.conf'};\n}}\n")
    result = crossplane.parse(str(main), strict=False, check_ctx=True, check_args=True)
    assert result["status"] == "ok", result["errors"]
    http = next(d for d in result["config"][0]["parsed"] if d["directive"] == "http")
    included = result["config"][http["block"][0]["includes"][0]]["parsed"]
    upstreams = {d["args"][0]: d["block"] for d in included if d["directive"] == "upstream"}
    mapi_servers = [d["args"] for d in upstreams["mapi"] if d["directive"] == "server"]
    assert mapi_servers and mapi_servers[0][0] == "mapi:8000" and "resolve" in mapi_servers[0]
    assert any(d["directive"] == "resolver" and d["args"][0] == "127.0.0.11" for d in included)
    servers = [d["block"] for d in included if d["directive"] == "server"]
    listens = {s[0]["args"][0]: s for s in servers if s[0]["directive"] == "listen"}
    assert set(listens) == {"8000", "8866"}

    def proxied(block):
        return [a for loc in block if loc["directive"] == "location" for d in loc["block"] if d["directive"] == "proxy_pass" for a in d["args"]]

    assert proxied(listens["8000"]) == ["http://mapi"] and proxied(listens["8866"]) == ["http://workbench"]
    # the compose healthcheck of the proxy asks for this exact location
    assert any(loc["directive"] == "location" and loc["args"] == ["=", "/proxy-healthz"] for loc in listens["8000"])


# ---------------------------------------------------------------- Kubernetes


def test_kubernetes_validator_works_offline_and_rejects_a_broken_manifest(rendered):
    hpa = copy.deepcopy(_by_kind(rendered["base"], "HorizontalPodAutoscaler")["mapi"])
    kubernetes_validate.validate(hpa, K8S_VERSION, strict=True)
    hpa["spec"]["minReplicas"] = "one"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(hpa, K8S_VERSION, strict=True)


def test_kustomize_refuses_a_patch_of_an_object_no_resource_defines(tmp_path):
    shutil.copytree(K8S / "base", tmp_path / "base")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump({"resources": ["../base"], "patches": [{"path": "patch.yaml"}]}))
    (overlay / "patch.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "no-such-app"}, "spec": {"replicas": 2}}))
    assert render(tmp_path / "base")
    result = subprocess.run([*_kustomize(), str(overlay)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "no-such-app" in result.stderr


@pytest.mark.parametrize("variant", ["base", *OVERLAYS])
def test_every_manifest_matches_the_kubernetes_schema(rendered, variant):
    docs = rendered[variant]
    assert len(docs) >= 10
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    names = [_key(d) for d in docs]
    assert len(names) == len(set(names)), "duplicate objects"


def test_kustomization_files_list_only_existing_files():
    for kust_file in K8S.rglob("kustomization.yaml"):
        kust = yaml.safe_load(kust_file.read_text())
        for entry in kust.get("resources", []) + [p["path"] for p in kust.get("patches", [])]:
            assert (kust_file.parent / entry).exists(), f"{kust_file}: {entry}"
        yaml_files = {p.name for p in kust_file.parent.glob("*.yaml")} - {"kustomization.yaml"}
        listed = {Path(e).name for e in kust.get("resources", []) + [p["path"] for p in kust.get("patches", [])]}
        assert yaml_files <= listed, f"{kust_file.parent}: files nobody includes: {yaml_files - listed}"


def test_mapi_deployment_probes_resources_and_hpa(rendered):
    for variant in ["base", *OVERLAYS]:
        docs = rendered[variant]
        mapi = _by_kind(docs, "Deployment")["mapi"]
        (container,) = mapi["spec"]["template"]["spec"]["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["command"][:3] == ["cyclops", "serve", "mapi"]
        assert "replicas" not in mapi["spec"], "the HPA owns the replica count"
        hpa = _by_kind(docs, "HorizontalPodAutoscaler")["mapi"]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (1, 10)
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "mapi"}
        (metric,) = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu" and 0 < metric["resource"]["target"]["averageUtilization"] <= 100
        for doc in docs:
            for c in _containers(doc):
                assert {"cpu", "memory"} <= set(c["resources"]["requests"]) and {"cpu", "memory"} <= set(c["resources"]["limits"]), _key(doc)


def test_services_select_their_pods_and_ingress_routes_exist(rendered):
    for variant in ["base", *OVERLAYS]:
        docs = rendered[variant]
        pods = [d["spec"]["template"] for d in docs if d["kind"] in {"Deployment", "StatefulSet"}]
        services = _by_kind(docs, "Service")
        for name, service in services.items():
            selected = [p for p in pods if service["spec"]["selector"].items() <= p["metadata"]["labels"].items()]
            assert selected, f"{variant}: service {name} selects no pod"
            ports = {p["name"] for t in selected for c in t["spec"]["containers"] for p in c.get("ports", [])}
            assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
        ingress = _by_kind(docs, "Ingress")["cyclops"]
        hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
        assert hosts <= set(ingress["spec"]["tls"][0]["hosts"]), "every routed host is covered by TLS"
        backends = {(p["path"], p["backend"]["service"]["name"]) for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        assert ("/", "workbench") in backends and ("/v1", "mapi") in backends
        assert not any(path in {"/metrics", "/healthz", "/readyz"} for path, _ in backends)
        for _, service in backends:
            assert service in services


def test_retrain_cronjob_weekly_and_configurable(rendered):
    base = _by_kind(rendered["base"], "CronJob")["cyclops-retrain"]
    minute, hour, dom, month, dow = base["spec"]["schedule"].split()
    assert (dom, month) == ("*", "*") and dow.isdigit() and 0 <= int(dow) <= 6, "once a week"
    assert base["spec"]["concurrencyPolicy"] == "Forbid"
    (container,) = base["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["cyclops", "retrain-scheduled"]  # records each run, skips with too little new data
    dev = _by_kind(rendered["dev"], "CronJob")["cyclops-retrain"]
    assert dev["spec"]["schedule"] != base["spec"]["schedule"], "an overlay can change the schedule"


def test_lnhpd_refresh_cronjob_weekly_writes_the_volume_mapi_reads(rendered):
    for variant in ["base", *OVERLAYS]:
        docs = rendered[variant]
        job = _by_kind(docs, "CronJob")["cyclops-lnhpd-refresh"]
        minute, hour, dom, month, dow = job["spec"]["schedule"].split()
        assert (dom, month) == ("*", "*") and dow.isdigit(), "once a week"
        assert job["spec"]["concurrencyPolicy"] == "Forbid" and not job["spec"].get("suspend", False)
        pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"][:3] == ["cyclops", "lnhpd", "refresh"]
        work = container["command"][container["command"].index("--work") + 1]
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        assert work.startswith(mounts["reference"]["mountPath"] + "/"), "the download resumes from the shared volume"
        assert not mounts["reference"].get("readOnly", False)
        claim = {v["name"]: v for v in pod["volumes"]}["reference"]["persistentVolumeClaim"]["claimName"]
        mapi = next(d for n, d in _by_kind(docs, "Deployment").items() if "mapi" in n)["spec"]["template"]["spec"]
        assert {v["name"]: v for v in mapi["volumes"]}["reference"]["persistentVolumeClaim"]["claimName"] == claim
        config = _by_kind(docs, "ConfigMap")
        assert any(c["data"].get("CYCLOPS_LNHPD_DB", "").startswith(mounts["reference"]["mountPath"] + "/") for c in config.values())
        assert container["envFrom"][0]["configMapRef"]["name"] in config


def test_configuration_keys_are_real_settings_and_secrets_referenced_exist(rendered):
    for variant in ["base", *OVERLAYS]:
        docs = rendered[variant]
        config = _by_kind(docs, "ConfigMap")["cyclops-config"]
        keys = set(config["data"])
        secrets = _by_kind(docs, "Secret")
        if "cyclops-secrets" in secrets:
            keys |= set(secrets["cyclops-secrets"]["stringData"])
            assert all("change-me" in v or "dev-only" in v or v.startswith("cyclops") for v in secrets["cyclops-secrets"]["stringData"].values())
        else:
            assert variant == "prod", "only prod leaves the Secret to be created outside git"
        cyclops_keys = {k for k in keys if k.startswith("CYCLOPS_")}
        assert cyclops_keys - SETTING_VARS == set(), f"{variant}: not settings"
        assert {"CYCLOPS_STORE", "CYCLOPS_S3_ENDPOINT_URL", "CYCLOPS_MONGO_DB", "CYCLOPS_MLFLOW_URI"} <= keys
    # every CYCLOPS_* word anywhere in the manifests is a setting
    for path in K8S.rglob("*.yaml"):
        assert set(CYCLOPS_VAR.findall(path.read_text())) <= SETTING_VARS, path
    prod_config = _by_kind(rendered["prod"], "ConfigMap")["cyclops-config"]["data"]
    assert prod_config["CYCLOPS_S3_ENDPOINT_URL"].startswith("https://")


def test_overlays_pin_images_and_namespaces(rendered):
    for variant, namespace in {"dev": "cyclops-dev", "prod": "cyclops"}.items():
        for doc in rendered[variant]:
            if doc["kind"] != "Namespace":
                assert doc["metadata"]["namespace"] == namespace
            for container in _containers(doc):
                assert ":" in container["image"] and not container["image"].startswith("cyclops-"), container["image"]


# ---------------------------------------------------------------- CI and conda


def test_workflow_matches_github_schema_and_does_the_three_jobs():
    path = ROOT / ".github" / "workflows" / "ci.yml"
    result = _check_jsonschema("vendor.github-workflows", path)
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load(path.read_text())
    jobs = workflow["jobs"]
    assert any(step.get("run") == "make test" for step in jobs["test"]["steps"])
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)  # the target CI's step runs
    assert recipe and "pytest" in recipe.group(1), "make test must run the test suite"
    build = next(s for s in jobs["images"]["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action"))
    assert build["with"]["push"] is True and build["with"]["file"] == "docker/${{ matrix.image }}.Dockerfile"
    for image in jobs["images"]["strategy"]["matrix"]["image"]:
        assert (ROOT / "docker" / f"{image}.Dockerfile").is_file()
    assert "refs/heads/main" in jobs["images"]["if"] and jobs["images"]["permissions"]["packages"] == "write"
    deploy = " ".join(s.get("run", "") for s in jobs["deploy"]["steps"])
    assert "kustomize edit set image" in deploy and "kubectl apply -k deploy/k8s/overlays/prod" in deploy
    assert "rollout status deployment/mapi" in deploy and "rollout status deployment/workbench" in deploy
    assert jobs["deploy"]["needs"] == "images" and jobs["images"]["needs"] == "test"


def test_environment_yml_installs_the_package_so_it_follows_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert env["channels"][0] == "conda-forge"
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    assert "python=3.11" in conda and "pip" in conda and any(d.startswith("tesseract") for d in conda)
    assert ">=3.11" in project["requires-python"] and "<3.12" in project["requires-python"]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # `-e .` (with extras) installs cyclops itself, which pulls every [project].dependencies entry
    local = [p for p in pip if re.fullmatch(r'-e\s+"?\.(\[[a-z,]+\])?"?', p)]
    assert local, "environment.yml must install the package itself"
    extras = re.findall(r"\[([a-z,]+)\]", local[0])
    assert not extras or set(extras[0].split(",")) <= set(project["optional-dependencies"])
    # no second, drifting list of dependencies
    names = {re.split(r"[<>=!\[; ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    assert not names & {re.split(r"[<>=!\[ ]", p, maxsplit=1)[0].lower() for p in pip if not p.startswith("-")}
    assert not names & {re.split(r"[<>= ]", c, maxsplit=1)[0].lower() for c in conda} - {"python", "pip"}


# ---------------------------------------------------------------- batches on a Dask cluster (components/dask)

DASK_COMPONENT = K8S / "components" / "dask"
DASK_PODS = {("Deployment", "dask-scheduler"), ("Deployment", "dask-worker"), ("CronJob", "cyclops-batch")}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY|MONGO_URL", re.I)


@pytest.fixture(scope="module")
def batch_rendered() -> list[dict]:
    return render(K8S / "overlays" / "batch")


def _pod(doc: dict) -> dict:
    spec = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
    return spec["template"]


def _expand(words: list[str], container: dict) -> list[str]:
    """A container's command as the kubelet runs it: ``$(VAR)`` replaced by the container's own env values."""
    env = {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}
    return [re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), w) for w in words]


def test_batch_overlay_is_prod_plus_a_valid_dask_cluster(rendered, batch_rendered):
    for doc in batch_rendered:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        assert doc["metadata"]["namespace"] == "cyclops"
    keys = [_key(d) for d in batch_rendered]
    assert len(keys) == len(set(keys)), "duplicate objects"
    prod = {_key(d): d for d in rendered["prod"]}
    batch = {_key(d): d for d in batch_rendered}
    assert all(batch[k] == prod[k] for k in prod), "the overlay leaves production's objects as they are"
    added = set(batch) - set(prod)
    assert added == DASK_PODS | {("Service", "dask-scheduler"), ("NetworkPolicy", "dask-members-only"),
                                 ("PersistentVolumeClaim", "cyclops-batch-inbox")}
    assert "Secret" not in {kind for kind, _ in added}, "prod's Secret is created outside git; the cluster adds none"
    kust = yaml.safe_load((DASK_COMPONENT / "kustomization.yaml").read_text())
    assert kust["kind"] == "Component", "a component any overlay (dev or prod) can list"
    assert yaml.safe_load((K8S / "overlays" / "batch" / "kustomization.yaml").read_text())["components"] == ["../../components/dask"]


def test_dask_scheduler_service_on_8786_and_workers_and_client_point_at_it(batch_rendered):
    services, deployments = _by_kind(batch_rendered, "Service"), _by_kind(batch_rendered, "Deployment")
    service = services["dask-scheduler"]
    ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert ports["scheduler"]["port"] == 8786 and ports["dashboard"]["port"] == 8787
    scheduler = deployments["dask-scheduler"]
    assert scheduler["spec"]["replicas"] == 1
    assert service["spec"]["selector"].items() <= scheduler["spec"]["template"]["metadata"]["labels"].items()
    assert not service["spec"]["selector"].items() <= deployments["dask-worker"]["spec"]["template"]["metadata"]["labels"].items()
    (container,) = scheduler["spec"]["template"]["spec"]["containers"]
    command = container["command"]
    assert command[:2] == ["dask", "scheduler"]
    named = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert named == {"scheduler": 8786, "dashboard": 8787}
    assert command[command.index("--port") + 1] == "8786" and command[command.index("--dashboard-address") + 1] == ":8787"
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": "dashboard"}
    address = f"tcp://{service['metadata']['name']}:{ports['scheduler']['port']}"

    worker_deployment = deployments["dask-worker"]
    assert worker_deployment["spec"]["replicas"] >= 2, "two workers at least, scaled with kubectl scale"
    (worker,) = worker_deployment["spec"]["template"]["spec"]["containers"]
    run = _expand(worker["command"], worker)
    assert run[:3] == ["dask", "worker", address]
    assert run[run.index("--nthreads") + 1] == "1" and run[run.index("--nworkers") + 1] == "1"
    assert worker["readinessProbe"]["httpGet"]["port"] == "dashboard"
    assert f":{worker['ports'][0]['containerPort']}" == run[run.index("--dashboard-address") + 1]

    cronjob = _by_kind(batch_rendered, "CronJob")["cyclops-batch"]
    assert cronjob["spec"]["suspend"] is True, "a template run with kubectl create job --from=cronjob/cyclops-batch"
    (client,) = _pod(cronjob)["spec"]["containers"]
    script = client["command"][-1]
    assert 'cyclops batch "$BATCH_SOURCE" --scheduler "$DASK_SCHEDULER_ADDRESS"' in script
    assert {e["name"]: e.get("value") for e in client["env"]}["DASK_SCHEDULER_ADDRESS"] == address


def test_dask_pods_run_mapis_image_config_secrets_and_volumes(batch_rendered):
    mapi = _by_kind(batch_rendered, "Deployment")["mapi"]["spec"]["template"]["spec"]
    (mapi_container,) = mapi["containers"]
    mapi_volumes = {v["name"]: v for v in mapi["volumes"]}
    config = _by_kind(batch_rendered, "ConfigMap")["cyclops-config"]["data"]
    assert config["CYCLOPS_STORE"].startswith("s3://") and config["CYCLOPS_S3_ENDPOINT_URL"].startswith("https://")
    claims = _by_kind(batch_rendered, "PersistentVolumeClaim")
    assert claims["cyclops-batch-inbox"]["spec"]["accessModes"] == ["ReadWriteMany"], "workers on several nodes read it"
    docs = {_key(d): d for d in batch_rendered}
    inbox_paths = set()
    for key in DASK_PODS:
        pod = _pod(docs[key])["spec"]
        (container,) = pod["containers"]
        assert container["image"] == mapi_container["image"], f"{key}: Dask needs the same versions everywhere"
        assert pod["securityContext"]["runAsNonRoot"] is True and container["securityContext"]["allowPrivilegeEscalation"] is False
        sources = container["envFrom"]
        assert sources[0] == mapi_container["envFrom"][0] == {"configMapRef": {"name": "cyclops-config"}}
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["name"]: m for m in container.get("volumeMounts", [])}
        if key[1] == "dask-scheduler":
            assert sources == [{"configMapRef": {"name": "cyclops-config"}}], "the scheduler needs no credentials"
            continue
        # workers write photos, OCR and analyses to the store, the client writes the catalogue: mapi's settings
        assert sources == mapi_container["envFrom"]
        assert volumes["reference"] == mapi_volumes["reference"], "the same LNHPD database as mapi"
        assert config["CYCLOPS_LNHPD_DB"].startswith(mounts["reference"]["mountPath"] + "/")
        assert mounts["reference"]["readOnly"] is True
        assert volumes["inbox"]["persistentVolumeClaim"]["claimName"] == "cyclops-batch-inbox"
        inbox_paths.add(mounts["inbox"]["mountPath"])
    assert len(inbox_paths) == 1, "the client hashes and the workers read the same paths"
    cronjob = docs[("CronJob", "cyclops-batch")]
    source = {e["name"]: e.get("value") for e in _pod(cronjob)["spec"]["containers"][0]["env"]}["BATCH_SOURCE"]
    assert source.startswith(inbox_paths.pop() + "/")


def test_dask_image_follows_a_new_mapi_tag(tmp_path):
    shutil.copytree(K8S, tmp_path / "k8s")
    for name in ["overlays/prod"]:  # where the tag is pinned, as `kustomize edit set image` does in CI
        path = tmp_path / "k8s" / name / "kustomization.yaml"
        kust = yaml.safe_load(path.read_text())
        for image in kust["images"]:
            if image["name"] == "cyclops-mapi":
                image["newTag"] = "sha-0123abc"
        path.write_text(yaml.safe_dump(kust))
    docs = {_key(d): d for d in render(tmp_path / "k8s" / "overlays" / "batch")}
    for key in DASK_PODS | {("Deployment", "mapi")}:
        (container,) = _pod(docs[key])["spec"]["containers"]
        assert container["image"] == "ghcr.io/example/cyclops-mapi:sha-0123abc", key


def test_each_overlay_names_its_own_images() -> None:
    """The base names no registry: an overlay's ``images`` entry (dev's local builds, prod's pinned tag) must
    still find ``cyclops-mapi`` to rename, which it cannot once the base has renamed it."""
    dev = {c["image"] for d in render(K8S / "overlays" / "dev") if d.get("kind") == "Deployment"
           for c in _pod(d)["spec"]["containers"]}
    assert "cyclops/mapi:latest" in dev and not any(i.startswith("ghcr.io/") for i in dev)


def test_dask_component_also_fits_the_dev_overlay(tmp_path):
    shutil.copytree(K8S, tmp_path / "k8s")
    overlay = tmp_path / "k8s" / "overlays" / "dev-batch"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "namespace": "cyclops-dev",
         "resources": ["../dev"], "components": ["../../components/dask"]}))
    docs = {_key(d): d for d in render(overlay)}
    (mapi,) = _pod(docs[("Deployment", "mapi")])["spec"]["containers"]
    (worker,) = _pod(docs[("Deployment", "dask-worker")])["spec"]["containers"]
    assert worker["image"] == mapi["image"] and not worker["image"].startswith("cyclops-mapi"), "pinned, as mapi is"
    assert docs[("Deployment", "dask-worker")]["metadata"]["namespace"] == "cyclops-dev"
    assert docs[("ConfigMap", "cyclops-config")]["data"]["CYCLOPS_STORE"].startswith("s3://")


def test_dask_pods_have_resource_limits_a_memory_limit_under_them_and_no_plain_secret(batch_rendered):
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30}

    def size(text: str) -> int:
        number, unit = re.fullmatch(r"(\d+)([KMG]iB?)", text).groups()
        return int(number) * units[unit]

    docs = {_key(d): d for d in batch_rendered}
    for key in DASK_PODS:
        (container,) = _pod(docs[key])["spec"]["containers"]
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"]), key
        for entry in container.get("env", []):
            assert not SECRET_NAME.search(entry["name"]), f"{key}: {entry['name']} belongs in the Secret"
            assert "@" not in entry.get("value", ""), f"{key}: credentials in a URL"
        assert not any(SECRET_NAME.search(word) and "=" in word for word in container["command"]), key
    (worker,) = _pod(docs[("Deployment", "dask-worker")])["spec"]["containers"]
    command = worker["command"]
    dask_limit = size(command[command.index("--memory-limit") + 1])
    assert dask_limit < size(worker["resources"]["limits"]["memory"]), "Dask restarts a worker before the kernel kills it"
    assert worker["resources"]["limits"]["cpu"] == "1", "one thread per worker, one core"


def test_dask_network_policy_admits_only_cluster_members(batch_rendered):
    policy = _by_kind(batch_rendered, "NetworkPolicy")["dask-members-only"]["spec"]
    assert policy["policyTypes"] == ["Ingress"]
    (rule,) = policy["ingress"]
    (peer,) = rule["from"]
    assert set(peer) == {"podSelector"}, "pods of this namespace only, no ipBlock"
    docs = {_key(d): d for d in batch_rendered}
    for key in DASK_PODS:
        labels = _pod(docs[key])["metadata"]["labels"]
        assert policy["podSelector"]["matchLabels"].items() <= labels.items(), f"{key} is not protected"
        assert peer["podSelector"]["matchLabels"].items() <= labels.items(), f"{key} cannot reach the scheduler"
    for name in ["mapi", "workbench"]:
        labels = _pod(docs[("Deployment", name)])["metadata"]["labels"]
        assert not peer["podSelector"]["matchLabels"].items() <= labels.items(), f"{name} must not reach the scheduler"


def test_compose_batch_profile_runs_a_dask_cluster_on_mapis_image(compose):
    services = compose["services"]
    scheduler, worker, client = services["dask-scheduler"], services["dask-worker"], services["batch"]
    mapi = services["mapi"]
    for service in (scheduler, worker, client):
        assert service["profiles"] == ["batch"]
        assert service["image"] == mapi["image"] and service["build"] == mapi["build"], "Dask needs the same versions"
    assert scheduler["command"][:2] == ["dask", "scheduler"] and "8786" in scheduler["expose"]
    assert scheduler["ports"] == ["127.0.0.1:8787:8787"], "the dashboard on this machine only"
    assert "container_name" not in worker and "ports" not in worker, "--scale dask-worker=N"
    assert worker["command"][:3] == ["dask", "worker", "tcp://dask-scheduler:8786"]
    assert worker["command"][worker["command"].index("--nthreads") + 1] == "1"
    assert client["command"][:2] == ["cyclops", "batch"]
    assert client["command"][client["command"].index("--scheduler") + 1] == "tcp://dask-scheduler:8786"
    for service in (worker, client):
        assert service["depends_on"]["dask-scheduler"]["condition"] == "service_healthy"
        for name in ["CYCLOPS_STORE", "CYCLOPS_S3_ENDPOINT_URL", "CYCLOPS_MONGO_URL", "AWS_ACCESS_KEY_ID"]:
            assert service["environment"][name] == mapi["environment"][name], name
    inbox = {v for v in worker["volumes"] if v.startswith("./")}
    assert inbox and inbox == {v for v in client["volumes"] if v.startswith("./")}, "the same photo paths"
    assert client["command"][2].startswith(inbox.pop().split(":")[1])
