"""/healthz, /readyz and /metrics: unauthenticated, cheap, never blocked by analyses."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from cyclops.errors import MapiError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


#: seconds /readyz waits for the store and the catalogue before saying they do not answer
READY_TIMEOUT = 5.0


@router.get("/readyz", summary="Worker pool up, models loaded, storage reachable (503 names what is not)")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    body: dict[str, object] = {"workers": await run_in_threadpool(state.workers_status), "models": state.models_status()}
    status = 200 if body["models"] in ("loaded", "on first use") and body["workers"] in ("ok", "in-process") else 503
    try:
        body.update(await asyncio.wait_for(run_in_threadpool(state.services.ready), READY_TIMEOUT))
    except MapiError as exc:
        body["storage"] = exc.message
        status = 503
    except TimeoutError:
        body["storage"] = f"store {state.services.settings.store_url} or the catalogue gave no answer within {READY_TIMEOUT:g} s"
        status = 503
    body["status"] = "ready" if status == 200 else "not_ready"
    return JSONResponse(body, status_code=status)


@router.get("/metrics", summary="Prometheus metrics")
async def metrics(request: Request) -> Response:
    payload, content_type = request.app.state.metrics.render()
    return Response(payload, media_type=content_type)
