"""/healthz, /readyz and /metrics: unauthenticated, cheap, never blocked by analyses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from cyclops.mapi.errors import MapiError

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Models loaded and storage reachable")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    body: dict[str, object] = {"models": state.models_status()}
    status = 200 if body["models"] == "loaded" else 503
    try:
        body.update(await run_in_threadpool(state.services.ready))
    except MapiError as exc:
        body["storage"] = exc.message
        status = 503
    body["status"] = "ready" if status == 200 else "not_ready"
    return JSONResponse(body, status_code=status)


@router.get("/metrics", summary="Prometheus metrics")
async def metrics(request: Request) -> Response:
    payload, content_type = request.app.state.metrics.render()
    return Response(payload, media_type=content_type)
