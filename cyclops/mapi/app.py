"""mapi's app factory: ``uvicorn --factory cyclops.mapi.app:create_app`` or ``cyclops serve mapi``."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyclops import __version__
from cyclops.errors import CyclopsError
from cyclops.mapi.deps import require_token
from cyclops.mapi.errors import MapiError
from cyclops.mapi.logs import configure_logging, logger, request_id
from cyclops.mapi.metrics import Metrics
from cyclops.mapi.routers import analyses, health, ocr, products
from cyclops.mapi.service import Services, to_service_error, warm_up
from cyclops.settings import Settings, get_settings

#: multipart overhead allowed on top of the photos themselves
_MULTIPART_SLACK = 1024 * 1024


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


def create_app(settings: Settings | None = None, *, workers: int | None = None) -> FastAPI:
    """Build mapi. ``workers`` (default ``settings.mapi_workers``, 0 = cores) sizes the process pool; -1: no pool."""
    settings = settings or get_settings()
    configure_logging()
    n = settings.mapi_workers if workers is None else workers
    n = n or os.cpu_count() or 1
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        executor = None
        if n > 0:
            executor = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
            app.state.services.executor = executor
            app.state.warm = executor.submit(warm_up)
        from cyclops.retrain.registry import get_watcher

        watcher = get_watcher().start()  # a newly promoted model is picked up without a restart
        logger.info("mapi started", extra={"workers": n, "store": settings.store_url,
                                           "field_classifier": watcher.current()[1]})
        try:
            yield
        finally:
            if executor is not None:
                # wait: workers left behind by an exiting server would live on as orphans
                executor.shutdown(wait=True, cancel_futures=True)

    app = FastAPI(
        title="Cyclops mapi",
        version=__version__,
        description="Analyse photos of Natural Health Product labels and review the analyses.",
        lifespan=lifespan,
    )
    app.state.services = Services(settings, on_ocr=metrics.observe_ocr)
    app.state.metrics = metrics
    app.state.warm = None

    def models_status() -> str:
        warm: Future | None = app.state.warm
        if warm is None:
            return "loaded" if n <= 0 else "starting"
        if not warm.done():
            return "loading"
        return "loaded" if warm.exception() is None else f"failed: {warm.exception()}"

    app.state.models_status = models_status

    @app.middleware("http")
    async def observe(request: Request, call_next):  # type: ignore[no-untyped-def]
        """Request id in and out, size limit, metrics and one JSON log line per request."""
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        try:
            length = int(request.headers.get("content-length") or 0)
            limit = settings.max_photos * settings.max_file_bytes + _MULTIPART_SLACK
            if length > limit:
                response = _error(413, "request_too_large", f"request of {length:,} bytes is more than the limit of {limit:,}")
            else:
                response = await call_next(request)
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            seconds = time.perf_counter() - start
            metrics.requests.labels(path, request.method, str(response.status_code)).inc()
            metrics.latency.labels(path).observe(seconds)
            response.headers["X-Request-ID"] = rid
            logger.info(
                "request",
                extra={"method": request.method, "path": request.url.path, "route": path, "status": response.status_code, "seconds": round(seconds, 4)},
            )
            return response
        finally:
            request_id.reset(token)

    @app.exception_handler(MapiError)
    async def service_error(request: Request, exc: MapiError) -> JSONResponse:
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

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error")
        return _error(500, "internal_error", f"{type(exc).__name__}: {exc}")

    app.include_router(health.router)
    for router in (analyses.router, ocr.router, products.router):
        app.include_router(router, dependencies=[Depends(require_token)])
    return app


def openapi_json(settings: Settings | None = None) -> str:
    """The OpenAPI document, formatted as checked in at docs/openapi.json."""
    return json.dumps(create_app(settings, workers=-1).openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
