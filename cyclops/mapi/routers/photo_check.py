"""/v1/photo-check: the quality verdict on one photo, while the inspector still holds the product."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, UploadFile
from starlette.concurrency import run_in_threadpool

from cyclops.mapi.deps import get_identity, get_services
from cyclops.mapi.logs import logger
from cyclops.mapi.routers.analyses import read_uploads
from cyclops.model.photo_check import PhotoCheck
from cyclops.service.identity import Identity
from cyclops.service.operations import Services
from cyclops.service.photo_check import check_photo

router = APIRouter(prefix="/v1", tags=["ocr"])


@router.post("/photo-check", response_model=PhotoCheck,
             summary="Is this photo good enough to read? Too dark, washed out, blurred, text too small, NPN cut off")
async def photo_check(
    photo: UploadFile = File(..., description="One photo (the first page of a PDF)."),
    read: bool = Form(True, description="Also read the photo (text size, NPN cut off); its OCR is kept for the analysis."),
    engine: str | None = Form(None, description="OCR engine: rapidocr, tesseract or combined."),
    services: Services = Depends(get_services),
    identity: Identity = Depends(get_identity),
) -> PhotoCheck:
    [(name, data)] = await read_uploads([photo], services.settings.max_file_bytes)
    result = await run_in_threadpool(check_photo, services, name, data, read=read, engine=engine)
    logger.info("photo check by %s: %s %s", identity.user, result.verdict, ",".join(i.code for i in result.issues) or "-")
    return result
