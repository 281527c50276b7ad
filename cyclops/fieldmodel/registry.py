"""Which field classifier analyses use: the registry alias (``production``), else the packaged model.

mapi and the CLI call ``load_served_model()`` once, or keep a ``ModelWatcher`` that
polls the alias so a newly promoted model is picked up without a restart. The
version string goes into ``analysis.versions["field_classifier"]``.

A registered model is loaded without running code from the artefact: only the skops format is
accepted (never pickle or cloudpickle, whatever ``MLmodel`` says), and every type skops does not
trust by itself must be one of this package's own (``cyclops.*``). A model that breaks either rule
is refused, logged, and the packaged model is served instead.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import yaml

from cyclops.extract.classifier import MODEL_VERSION, load_model
from cyclops.settings import get_settings

log = logging.getLogger(__name__)

#: the registered model's name in MLflow (retraining registers under it, analyses load from it)
MODEL_NAME = "cyclops-field-classifier"


def packaged_version() -> str:
    return f"packaged-{MODEL_VERSION}"


def _client(tracking_uri: str | None):
    """An MlflowClient, or None when the embedded store was never created (nothing registered yet)."""
    # a tracking server that is down must not hold analyses for minutes of MLflow's default retries
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    uri = tracking_uri or get_settings().tracking_uri
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        return None, uri
    import mlflow  # imported when a store exists: mlflow takes seconds to import and most runs never need it

    return mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri), uri


def served_version(alias: str | None = None, tracking_uri: str | None = None) -> str | None:
    """The registry version number the alias points at, or None (no store, no model, no alias, unreachable)."""
    alias = alias or get_settings().model_alias
    try:
        client, _ = _client(tracking_uri)
        if client is None:
            return None
        return str(client.get_model_version_by_alias(MODEL_NAME, alias).version)
    except Exception as exc:  # noqa: BLE001 - no such alias/model, or the server unreachable: no registered model
        log.debug("no registered %s@%s: %s", MODEL_NAME, alias, exc)
        return None


class UnsafeModel(Exception):
    """A registered model that cannot be loaded without running code from its artefact."""


#: the only packages whose types a served model may hold beyond what skops trusts by itself
TRUSTED_PREFIXES = ("cyclops.",)


def load_skops_model(folder: Path):
    """The scikit-learn model in an MLflow model folder, loaded with skops and a types allow-list; never unpickled."""
    import skops.io  # only a registered model needs skops (slow to import)

    folder = Path(folder).resolve()
    meta = yaml.safe_load((folder / "MLmodel").read_text(encoding="utf-8")) or {}
    flavour = (meta.get("flavors") or {}).get("sklearn") or {}
    fmt = flavour.get("serialization_format")
    if fmt != "skops":
        raise UnsafeModel(f"the model is serialised as {fmt!r}; only 'skops' is loaded (pickle runs arbitrary code)")
    path = (folder / str(flavour.get("pickled_model", "model.skops"))).resolve()
    if folder not in path.parents or not path.is_file():
        raise UnsafeModel(f"the model file {flavour.get('pickled_model')!r} is not inside the model folder")
    untrusted = skops.io.get_untrusted_types(file=path)
    foreign = sorted(t for t in untrusted if not t.startswith(TRUSTED_PREFIXES))
    if foreign:
        raise UnsafeModel(f"the model holds types outside the allow-list: {', '.join(foreign[:5])}")
    return skops.io.load(path, trusted=untrusted)


def load_registered(version: str, tracking_uri: str | None = None):
    """The registered model of that version (a Pipeline with the ``ToRecords`` first step), loaded safely."""
    import mlflow  # as in _client: slow to import, needed only for a registered model
    from mlflow.artifacts import download_artifacts

    _, uri = _client(tracking_uri)
    mlflow.set_registry_uri(uri)
    mlflow.set_tracking_uri(uri)
    with tempfile.TemporaryDirectory(prefix="cyclops-model-") as tmp:
        local = download_artifacts(artifact_uri=f"models:/{MODEL_NAME}/{version}", dst_path=tmp)
        return load_skops_model(Path(local))


def load_served_model(alias: str | None = None, tracking_uri: str | None = None):
    """(pipeline, version string): ``cyclops-field-classifier/3`` from the registry, or ``packaged-1.0.0``."""
    version = served_version(alias, tracking_uri)
    if version is not None:
        try:
            return load_registered(version, tracking_uri), f"{MODEL_NAME}/{version}"
        except Exception as exc:  # noqa: BLE001 - a broken artefact must not stop analyses: fall back, loudly
            log.warning("could not load %s version %s (%s); using the packaged model", MODEL_NAME, version, exc)
    return load_model(), packaged_version()


class ModelWatcher:
    """Holds the served model and re-checks the registry alias every ``interval`` seconds.

    ``current()`` is cheap and thread-safe; call ``start()`` for the background
    thread, or ``check_now()`` to poll once (tests, request hooks).
    """

    def __init__(self, interval: float = 60.0, alias: str | None = None, tracking_uri: str | None = None) -> None:
        self.interval = interval
        self.alias = alias
        self.tracking_uri = tracking_uri
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._registered: str | None = served_version(alias, tracking_uri)
        self._model, self._version = load_served_model(alias, tracking_uri)
        if not self._version.startswith(MODEL_NAME):
            self._registered = None

    def current(self):
        """(pipeline, version string) to pass to ``extract_fields`` and record in the analysis."""
        with self._lock:
            return self._model, self._version

    def check_now(self) -> bool:
        """Reload if the alias moved; True when the model changed."""
        version = served_version(self.alias, self.tracking_uri)
        if version == self._registered:
            return False
        model, label = load_served_model(self.alias, self.tracking_uri)
        with self._lock:
            self._model, self._version = model, label
            self._registered = version if label.startswith(MODEL_NAME) else None
        log.info("field classifier is now %s", label)
        return True

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check_now()
            except Exception as exc:  # noqa: BLE001 - keep serving the model we have
                log.warning("model watcher: %s", exc)

    def start(self) -> ModelWatcher:
        with self._lock:  # mapi starts it from a thread of its own while a test may stop it: never a half-made thread
            if self._thread is None and not self._stop.is_set():
                thread = threading.Thread(target=self._loop, name="cyclops-model-watcher", daemon=True)
                thread.start()
                self._thread = thread
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)


_watcher: ModelWatcher | None = None
_watcher_lock = threading.Lock()
_poll_on_first_use = False


def poll_on_first_use() -> None:
    """Start polling the alias when the watcher is first made (mapi without a pool loads the model on first use)."""
    global _poll_on_first_use
    _poll_on_first_use = True


def get_watcher() -> ModelWatcher:
    """The process-wide watcher (created on first use; mapi also ``start()``s it to poll the alias)."""
    global _watcher
    with _watcher_lock:
        if _watcher is None:
            _watcher = ModelWatcher()
            if _poll_on_first_use:
                _watcher.start()
        return _watcher


def reset_watcher() -> None:
    """Forget the process-wide watcher (tests that switch tracking stores)."""
    global _watcher, _poll_on_first_use
    _poll_on_first_use = False
    with _watcher_lock:
        if _watcher is not None:
            _watcher.stop()
        _watcher = None


@lru_cache(maxsize=4)
def model_for(label: str):
    """The model behind a version label (``packaged-1.0.0`` or ``cyclops-field-classifier/3``), cached per process.

    mapi's worker processes get the label, not the model, from the process that watches the registry.
    """
    if label.startswith(f"{MODEL_NAME}/"):
        return load_registered(label.split("/", 1)[1])
    return load_model()
