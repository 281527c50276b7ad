"""/v1/ocr and /v1/photos: OCR of one photo and the stored photos themselves."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cyclops.mapi.deps import get_services
from cyclops.mapi.routers.analyses import read_uploads
from cyclops.model.ocr import Document
from cyclops.service.operations import Services

router = APIRouter(prefix="/v1", tags=["ocr"])


@router.post("/ocr", response_model=Document, summary="OCR one photo into Document -> Page -> Block -> Line -> Word")
async def ocr(
    photo: UploadFile = File(...),
    engine: str | None = Form(None),
    services: Services = Depends(get_services),
) -> Document:
    [(name, data)] = await read_uploads([photo], services.settings.max_file_bytes)
    return await run_in_threadpool(services.ocr, name, data, engine)


@router.get("/photos/{sha256}", response_class=Response, summary="A stored photo, by the SHA-256 of its bytes")
def photo(sha256: str, services: Services = Depends(get_services)) -> Response:
    return Response(services.photo(sha256), media_type="application/octet-stream", headers={"Cache-Control": "max-age=31536000, immutable"})
