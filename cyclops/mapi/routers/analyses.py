"""/v1/analyses: analyse a product, read, list and correct analyses."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from cyclops.catalog import AnalysisPage, AnalysisQuery
from cyclops.mapi.deps import get_identity, get_services
from cyclops.model.analysis import Analysis, Edit
from cyclops.service.identity import Identity
from cyclops.service.operations import Services

router = APIRouter(prefix="/v1/analyses", tags=["analyses"])


async def read_uploads(files: list[UploadFile], limit: int) -> list[tuple[str, bytes]]:
    """Read uploads, stopping at ``limit`` bytes + 1 per file so a huge part never sits in memory whole."""
    return [(f.filename or f"photo{i}", await f.read(limit + 1)) for i, f in enumerate(files)]


@router.post("", response_model=Analysis, summary="Analyse the photos of one product")
async def create_analysis(
    photos: list[UploadFile] = File(..., description="Photos (JPEG, PNG, WebP, TIFF, HEIC, AVIF, BMP or PDF) of one product."),
    engine: str | None = Form(None, description="OCR engine: rapidocr, tesseract or combined."),
    faces: list[str] | None = Form(None, description="The face of the package each photo shows (front, back, side or "
                                                     "other), one per photo in their order."),
    services: Services = Depends(get_services),
    identity: Identity = Depends(get_identity),
) -> Analysis:
    """The analysis records who sent the photos (``submitted_by``: the caller's identity, never a request field)."""
    data = await read_uploads(photos, services.settings.max_file_bytes)
    return await run_in_threadpool(lambda: services.analyze(data, engine, submitted_by=identity.user, faces=faces))


@router.get("", response_model=AnalysisPage, summary="List and filter analyses, newest or most urgent first")
def list_analyses(query: Annotated[AnalysisQuery, Query()], services: Services = Depends(get_services)) -> AnalysisPage:
    return services.list_analyses(query)


@router.get("/{analysis_id}", response_model=Analysis, summary="One analysis, as last edited")
def get_analysis(analysis_id: str, services: Services = Depends(get_services)) -> Analysis:
    return services.get_analysis(analysis_id)


@router.post("/{analysis_id}/edits", response_model=Analysis, summary="Apply an analyst's correction (409 if based on a stale version)")
def post_edit(analysis_id: str, edit: Edit, services: Services = Depends(get_services),
              identity: Identity = Depends(get_identity)) -> Analysis:
    """The edit is recorded under the caller's identity, with ``before`` read by the server (cyclops.service.policy)."""
    return services.edit_as(identity, analysis_id, edit)


@router.get("/{analysis_id}/edits", response_model=list[Edit], summary="The corrections of an analysis, oldest first")
def list_edits(analysis_id: str, services: Services = Depends(get_services)) -> list[Edit]:
    return services.edits(analysis_id)
