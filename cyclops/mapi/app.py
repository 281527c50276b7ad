"""mapi's app factory: ``uvicorn --factory cyclops.mapi.app:create_app`` or ``cyclops serve mapi``."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import Future, wait
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyclops import __version__
from cyclops.errors import CyclopsError, MapiError, WorkerLost, to_service_error
from cyclops.mapi.auth import AuthConfigError, Authenticator, RateLimiter, is_loopback
from cyclops.mapi.errors import error_body
from cyclops.mapi.guard import Guard
from cyclops.mapi.logs import configure_logging, logger
from cyclops.mapi.metrics import Metrics
from cyclops.mapi.pool import WorkerPool
from cyclops.mapi.routers import analyses, health, ocr, photo_check, products
from cyclops.service.context import request_id
from cyclops.service.operations import Services, warm_up
from cyclops.service.retrain_runs import RunsCollector
from cyclops.settings import Settings, get_settings


def _error(status: int, code: str, message: str, **extra: str) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status)


def _who(request: Request) -> dict[str, str]:
    """The caller, for the request's log line (set by ``Guard`` on /v1)."""
    identity = request.scope.get("state", {}).get("identity")
    if identity is None:
        return {}
    return {"user": identity.user, "role": identity.role, **({"actor": identity.actor} if identity.actor else {})}


def _warm(pool: WorkerPool) -> Future:
    """Load the models in every worker, from a thread of its own (the pool may still be starting)."""
    done: Future = Future()

    def run() -> None:
        try:
            # one warm-up per worker, sent together so each idle worker takes one (a worker that took none
            # would make its first request pay the model load)
            futures = [pool.submit(warm_up) for _ in range(max(pool.workers, 1))]
            done.set_result([f.result() for f in futures][0])
        except Exception as exc:  # noqa: BLE001 - reported by /readyz
            done.set_exception(exc)

    threading.Thread(target=run, name="cyclops-warm-up", daemon=True).start()
    return done


def _start_watcher() -> Future:
    """Create and start the process-wide model watcher (it polls the registry alias) from a thread of its own."""
    done: Future = Future()

    def run() -> None:
        from cyclops.fieldmodel.registry import get_watcher  # here, not at the top: it imports sklearn (and MLflow)

        try:
            watcher = get_watcher().start()  # a newly promoted model is picked up without a restart
            logger.info("field classifier loaded", extra={"field_classifier": watcher.current()[1]})
            done.set_result(watcher)
        except Exception as exc:  # noqa: BLE001 - reported by /readyz
            logger.exception("the field classifier could not be loaded")
            done.set_exception(exc)

    threading.Thread(target=run, name="cyclops-model-watcher-start", daemon=True).start()
    return done


def check_exposure(settings: Settings, host: str) -> None:
    """Refuse to serve a non-loopback address with no authentication configured (``serve mapi`` calls this)."""
    authenticator = Authenticator(settings)  # raises on unusable settings (e.g. CYCLOPS_MAPI_TOKENS=",")
    if authenticator.off or authenticator.configured:
        return
    if not is_loopback(host):
        raise AuthConfigError(
            f"mapi will not listen on {host} without authentication: set CYCLOPS_MAPI_TOKENS_FILE (or CYCLOPS_OIDC_JWKS), "
            "or CYCLOPS_MAPI_AUTH=off to serve everyone on purpose"
        )


def create_app(settings: Settings | None = None, *, workers: int | None = None) -> FastAPI:
    """Build mapi. ``workers`` (default ``settings.mapi_workers``, 0 = cores) sizes the process pool; -1: no pool."""
    settings = settings or get_settings()
    configure_logging()
    n = settings.mapi_workers if workers is None else workers
    n = n or os.cpu_count() or 1
    metrics = Metrics()

    authenticator = Authenticator(settings)  # unusable auth settings stop mapi here, before it serves anything
    if authenticator.off:
        logger.warning("AUTHENTICATION IS OFF (CYCLOPS_MAPI_AUTH=off): anyone who reaches mapi can read and edit every analysis")
    elif not authenticator.configured:
        logger.warning("no tokens configured: mapi serves loopback clients only (set CYCLOPS_MAPI_TOKENS_FILE)")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = None
        if n > 0:
            pool = WorkerPool(n).start()
            app.state.services.executor = pool
            app.state.pool = pool
            app.state.warm = _warm(pool)
            # the served model (and the registry behind it: sklearn, MLflow) loads in the background, so /healthz
            # answers at once and edits never wait for it; /readyz says "loading" until it is there. Without a
            # pool (tests, embedded use) it loads on the first analysis, in the thread that needs it
            app.state.watcher = _start_watcher()
        else:
            from cyclops.fieldmodel.registry import poll_on_first_use  # as _start_watcher: sklearn (and MLflow)

            poll_on_first_use()
        logger.info("mapi started", extra={"workers": n, "store": settings.store_url, "auth": authenticator.describe()})
        try:
            yield
        finally:
            if app.state.watcher is not None:
                wait([app.state.watcher], timeout=30)  # no load left running behind a stopped app
            if pool is not None:
                # wait: workers left behind by an exiting server would live on as orphans
                pool.shutdown(wait=True, cancel_futures=True)

    app = FastAPI(
        title="Cyclops mapi",
        version=__version__,
        description="Analyse photos of Natural Health Product labels and review the analyses.",
        lifespan=lifespan,
    )
    app.state.services = Services(settings, on_ocr=metrics.observe_ocr)
    app.state.metrics = metrics
    metrics.registry.register(RunsCollector(lambda: app.state.services.store))  # scheduled retraining's tally
    app.state.warm = None
    app.state.watcher = None
    app.state.pool = None
    app.state.authenticator = authenticator

    def models_status() -> str:
        if n <= 0:
            return "on first use"  # no pool: the first analysis loads the model in this process
        watcher: Future | None = app.state.watcher
        if watcher is None or not watcher.done():
            return "loading"
        if watcher.exception() is not None:
            return f"failed: {watcher.exception()}"
        warm: Future | None = app.state.warm
        if warm is None:
            return "starting"
        if not warm.done():
            return "loading"
        if isinstance(warm.exception(), WorkerLost) and app.state.pool is not None:
            app.state.warm = _warm(app.state.pool)  # a worker died while loading: load again in the new pool
            return "loading"
        return "loaded" if warm.exception() is None else f"failed: {warm.exception()}"

    def workers_status() -> str:
        pool: WorkerPool | None = app.state.pool
        return "in-process" if pool is None else pool.status()

    app.state.models_status = models_status
    app.state.workers_status = workers_status
    # identity, rate limit and byte caps, before FastAPI reads a body byte (added first: runs inside `observe`)
    app.add_middleware(Guard, settings=settings, authenticator=authenticator,
                       limiter=RateLimiter(settings.mapi_rate_limit, settings.mapi_rate_burst))

    @app.middleware("http")
    async def observe(request: Request, call_next):  # type: ignore[no-untyped-def]
        """Request id in and out, metrics and one JSON log line per request."""
        rid = request.headers.get("x-request-id") or ""
        rid = rid if 0 < len(rid) <= 128 and rid.isprintable() else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        try:
            response = await call_next(request)
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            seconds = time.perf_counter() - start
            metrics.requests.labels(path, request.method, str(response.status_code)).inc()
            metrics.latency.labels(path).observe(seconds)
            response.headers["X-Request-ID"] = rid
            logger.info(
                "request",
                extra={"method": request.method, "path": request.url.path, "route": path, "status": response.status_code,
                       "seconds": round(seconds, 4), **_who(request)},
            )
            return response
        finally:
            request_id.reset(token)

    @app.exception_handler(MapiError)
    async def service_error(request: Request, exc: MapiError) -> JSONResponse:
        if exc.status >= 500:
            logger.warning("service error", extra={"code": exc.code, "error": exc.message})
            if exc.code in ("corrupt_record", "internal_error"):
                return _error(exc.status, exc.code, exc.message, request_id=request_id.get())
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(CyclopsError)
    async def cyclops_error(request: Request, exc: CyclopsError) -> JSONResponse:
        err = to_service_error(exc)
        return _error(err.status, err.code, err.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", str(exc.detail))

    @app.exception_handler(ValidationError)
    async def corrupt_record(request: Request, exc: ValidationError) -> JSONResponse:
        # a stored record that no longer parses; its contents stay in the log, never in the answer
        logger.error("corrupt record", extra={"model": exc.title, "errors": exc.error_count(), "path": request.url.path})
        rid = request_id.get()
        return _error(500, "corrupt_record", f"a stored {exc.title} record is damaged and cannot be read; the server log has the "
                      f"details under request id {rid}", request_id=rid)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        rid = request_id.get()
        return _error(500, "internal_error", f"internal error ({type(exc).__name__}); the server log has the details under "
                      f"request id {rid}", request_id=rid)

    app.include_router(health.router)
    for router in (analyses.router, ocr.router, photo_check.router, products.router):
        app.include_router(router)  # authentication: Guard, before the body is read
    return app


def openapi_json(settings: Settings | None = None) -> str:
    """The OpenAPI document, formatted as checked in at docs/openapi.json."""
    return json.dumps(create_app(settings, workers=-1).openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
