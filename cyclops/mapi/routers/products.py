"""/v1/products: licences of the LNHPD database."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from cyclops.lnhpd.records import LicenceBundle
from cyclops.mapi.deps import get_services
from cyclops.service.operations import Services

router = APIRouter(prefix="/v1/products", tags=["products"])


@router.get("", summary="Search licences (tolerant of OCR typos, accents and word order)")
def search_products(
    q: str = "",
    company: str | None = None,
    ingredient: str | None = None,
    limit: int = Query(10, ge=1, le=100),
    services: Services = Depends(get_services),
) -> list[dict[str, Any]]:
    return [hit.model_dump(mode="json") for hit in services.search_products(q, company=company, ingredient=ingredient, limit=limit)]


@router.get("/{licence_number}", response_model=dict[str, LicenceBundle | None], summary="One licence in English and French")
def get_product(licence_number: str, services: Services = Depends(get_services)) -> dict[str, Any]:
    return services.get_product(licence_number)
