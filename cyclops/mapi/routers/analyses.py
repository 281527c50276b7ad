"""/v1/analyses: analyse a product, read, list and correct analyses."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from cyclops.catalog import AnalysisPage, AnalysisQuery
from cyclops.errors import BadRequest
from cyclops.mapi.deps import get_identity, get_services
from cyclops.model.analysis import FACES, Analysis, Edit
from cyclops.service.identity import Identity
from cyclops.service.operations import Services

router = APIRouter(prefix="/v1/analyses", tags=["analyses"])


async def read_uploads(files: list[UploadFile], limit: int) -> list[tuple[str, bytes]]:
    """Read uploads, stopping at ``limit`` bytes + 1 per file so a huge part never sits in memory whole."""
    return [(f.filename or f"photo{i}", await f.read(limit + 1)) for i, f in enumerate(files)]


def faces_of(photos: list[tuple[str, bytes]], faces: list[str] | None) -> dict[str, str]:
    """{photo sha256: face}: the face each photo shows, given in the photos' order (none given: none known)."""
    if not faces:
        return {}
    if len(faces) != len(photos):
        raise BadRequest(f"{len(faces)} faces for {len(photos)} photos: give one face per photo, in their order")
    unknown = sorted({f for f in faces if f not in FACES})
    if unknown:
        raise BadRequest(f"unknown face {', '.join(unknown)}: one of {', '.join(FACES)}")
    return {hashlib.sha256(data).hexdigest(): face for (_name, data), face in zip(photos, faces, strict=True)}


def credit(analysis: Analysis, user: str, faces: dict[str, str]) -> Analysis:
    """Who sent the photos (the identity mapi authenticated) and the face of each photo, in the analysis itself."""
    analysis.submitted_by = user
    for info in analysis.images:  # a PDF's pages are "<sha256>#<page>": each page shows its file's face
        info.face = faces.get(info.sha256.split("#", 1)[0])  # type: ignore[assignment]
    return analysis


def store_credited(services: Services, analysis: Analysis) -> Analysis:
    """Store the credited analysis over the one ``Services.analyze`` just stored (allowed: it has no edit yet)."""
    services.store.put_analysis(analysis)
    services.catalog.index_analysis(analysis)
    return analysis


@router.post("", response_model=Analysis, summary="Analyse the photos of one product")
async def create_analysis(
    photos: list[UploadFile] = File(..., description="Photos (JPEG, PNG, WebP, TIFF, HEIC or PDF) of one product."),
    engine: str | None = Form(None, description="OCR engine: rapidocr, tesseract or combined."),
    faces: list[str] | None = Form(None, description="The face of the package each photo shows (front, back, side or "
                                                     "other), one per photo in their order."),
    services: Services = Depends(get_services),
    identity: Identity = Depends(get_identity),
) -> Analysis:
    """The analysis records who sent the photos (``submitted_by``: the caller's identity, never a request field)."""
    data = await read_uploads(photos, services.settings.max_file_bytes)
    face_of = faces_of(data, faces)
    analysis = await run_in_threadpool(services.analyze, data, engine)
    return await run_in_threadpool(store_credited, services, credit(analysis, identity.user, face_of))


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
