"""Shared fixtures, one section per area: isolated settings and `configure` (the one way a test changes
configuration), real S3 (moto), Azurite and mapi servers (their classes in tests/servers.py), a small LNHPD.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cyclops.settings import Settings, get_settings
from tests.servers import (Azurite, MapiLauncher, MapiProcess, S3Server, WireMongo, start_azurite, start_wire_mongo,
                           stop_azurite, stop_wire_mongo)

# --- common -----------------------------------------------------------------------------------

#: the modules whose tests share the session's browser stack (``browser_stack``, ``chromium``: 60-130 s to start).
#: ``make test`` runs the suite on two pytest-xdist workers: these modules all go to one of them, which starts the
#: stack once, and each other module goes whole to whichever worker is free; a module's tests keep their order
BROWSER_MODULES = frozenset(f"tests/{name}.py" for name in (
    "test_browser", "test_capture_browser", "test_evidence_browser", "test_extract_statements", "test_review_browser",
    "test_workbench_autoretry", "test_workbench_kernels"))
BROWSER_FIXTURES = frozenset({"browser_stack", "chromium"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the browser stack outside ``BROWSER_MODULES`` would start a second stack on the other worker."""
    stray = sorted({item.nodeid.split("::")[0] for item in items
                    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))} - BROWSER_MODULES)
    if stray:
        raise pytest.UsageError(f"add {', '.join(stray)} to BROWSER_MODULES in tests/conftest.py: it uses the browser stack")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Work units for the workers: the browser modules together, every other module whole (see ``BROWSER_MODULES``)."""
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "browser" if module in BROWSER_MODULES else module

    return ByModule(config, log)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir (never the user's home), fresh settings and a fresh model watcher."""
    from cyclops.fieldmodel.registry import reset_watcher

    monkeypatch.setenv("CYCLOPS_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    get_settings.cache_clear()
    reset_watcher()
    yield
    get_settings.cache_clear()
    reset_watcher()


@pytest.fixture()
def configure(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """``configure(store=..., mapi_url=...)`` sets those ``CYCLOPS_*`` variables for this test and returns the
    settings now in force (the one way tests change configuration; undone after the test)."""
    def apply(**values: object) -> Settings:
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(f"CYCLOPS_{name.upper()}", raising=False)
            else:
                monkeypatch.setenv(f"CYCLOPS_{name.upper()}", str(value))
        get_settings.cache_clear()
        return get_settings()
    return apply


# --- services: S3 (moto) ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def _aws_env() -> Iterator[None]:
    """Dummy credentials and a region for botocore (region via AWS_DEFAULT_REGION, not client_kwargs)."""
    saved = {k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")}
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def s3_server(_aws_env: None) -> Iterator[S3Server]:
    """One moto S3 server for the whole session. Do not stop it; use ``own_s3_server`` for outages."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def own_s3_server(_aws_env: None) -> Iterator[S3Server]:
    """A moto S3 server for one test, which may stop and restart it."""
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def s3_store_url(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket on the session S3 server, configured as the store (CYCLOPS_STORE)."""
    url = f"s3://{s3_server.create_bucket()}/cyclops"
    monkeypatch.setenv("CYCLOPS_STORE", url)
    monkeypatch.setenv("CYCLOPS_S3_ENDPOINT_URL", s3_server.endpoint)
    get_settings.cache_clear()
    return url


# --- services: Azure Blob (Azurite) -----------------------------------------------------------

@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    """One Azurite for the whole session (the az:// counterpart of ``s3_server``)."""
    server = start_azurite(tmp_path_factory.mktemp("azurite"))
    yield server
    stop_azurite(server)


@pytest.fixture()
def az_store_url(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh container on the session Azurite, configured as the store (CYCLOPS_STORE)."""
    url = f"az://{azurite.create_container()}/cyclops"
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    monkeypatch.setenv("CYCLOPS_STORE", url)
    get_settings.cache_clear()
    return url


# --- services: a MongoDB wire-protocol server (nx-27017) -----------------------------------------

@pytest.fixture(scope="session")
def wire_mongo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireMongo]:
    """One MongoDB wire-protocol server for the session; each test uses a database of its own (``mongo_catalog``)."""
    server = start_wire_mongo(tmp_path_factory.mktemp("nx27017"))
    yield server
    stop_wire_mongo(server)


@pytest.fixture()
def mongo_catalog(wire_mongo: WireMongo, configure: Callable[..., Settings]) -> str:
    """A fresh database on the session's wire-protocol server, configured as the catalogue (CYCLOPS_MONGO_URL).
    nx-27017 keeps one namespace for every database name, so fresh means emptied: the collections an earlier test
    of this worker left (``tests/test_edit_concurrency.py``'s cluster) are dropped first."""
    import pymongo

    name = f"cyclops_{uuid.uuid4().hex[:10]}"
    with pymongo.MongoClient(wire_mongo.url, serverSelectionTimeoutMS=10_000) as client:
        for collection in client[name].list_collection_names():
            client[name].drop_collection(collection)
    configure(mongo_url=wire_mongo.url, mongo_db=name)
    return name


# --- services: mapi (uvicorn subprocess) ------------------------------------------------------



@pytest.fixture()
def start_mapi(tmp_path: Path) -> Iterator[Callable[..., MapiProcess]]:
    """Start real mapi processes for one test: ``start_mapi({"CYCLOPS_STORE": ...})``."""
    launcher = MapiLauncher(tmp_path)
    yield launcher.start
    launcher.stop_all()


# --- services: a small LNHPD database ------------------------------------------------------------


@pytest.fixture(scope="session")
def lnhpd_sample(tmp_path_factory: pytest.TempPathFactory):
    """A synthetic LNHPD database of 30 licences: (sqlite path, [(en, fr) bundles])."""
    from cyclops.lnhpd import importer, sample

    folder = tmp_path_factory.mktemp("lnhpd")
    pairs = sample.generate(30, 1)
    importer.import_paths(sample.write_api_json(pairs, folder / "api"), folder / "lnhpd.sqlite")
    return folder / "lnhpd.sqlite", pairs


# --- browser stack ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_stack(tmp_path_factory: pytest.TempPathFactory):
    """One mapi + Voila workbench for every browser module (tests/browser_fixtures.py): each starts in 60-130 s,
    so the modules share it; each seeds and opens its own analyses by id."""
    from tests.browser_fixtures import start_stack

    stack = start_stack(tmp_path_factory.mktemp("browser"))
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium under Playwright, one for the session: Playwright's sync API runs one instance per thread,
    so every browser test takes its pages from this one (``chromium.new_context(...)``)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser_fixtures import CHROMIUM_ARGS, EXPECT_TIMEOUT_MS

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def browser_page(browser_stack, chromium):
    """A desktop page (1600x1000) logged in to ``browser_stack``'s workbench, for every desktop browser module."""
    from tests.browser_fixtures import open_page

    context, page = open_page(chromium, browser_stack.workbench_url, ".cyclops-workbench",
                              viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    yield page
    context.close()
