"""Records of the Licensed Natural Health Products Database (LNHPD), field for field.

The names are those of Health Canada's JSON API (base path
``/api/natural-licences/``); one model per endpoint. ``LicenceBundle`` gathers
everything known about one licence, which is what matching, flags and the
synthetic label generator work with.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    # The API sometimes adds fields; keep them rather than fail.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class ProductLicence(_Record):
    lnhpd_id: int
    licence_number: str  # the NPN, or DIN-HM for homeopathic medicines
    licence_date: str | None = None
    revised_date: str | None = None
    time_receipt: str | None = None
    date_start: str | None = None
    product_name_id: int | None = None
    product_name: str
    dosage_form: str | None = None
    company_id: int | None = None
    company_name_id: int | None = None
    company_name: str | None = None
    sub_submission_type_code: int | None = None
    sub_submission_type_desc: str | None = None
    flag_primary_name: int | None = None
    flag_product_status: int | None = None  # 1 active, 0 inactive
    flag_attested_monograph: int | None = None


class MedicinalIngredient(_Record):
    lnhpd_id: int
    ingredient_name: str
    ingredient_Text: str | None = None
    potency_amount: float | None = None
    potency_constituent: str | None = None
    potency_unit_of_measure: str | None = None
    quantity: float | None = None
    quantity_minimum: float | None = None
    quantity_maximum: float | None = None
    quantity_unit_of_measure: str | None = None
    ratio_numerator: str | None = None
    ratio_denominator: str | None = None
    dried_herb_equivalent: str | None = None
    dhe_unit_of_measure: str | None = None
    extract_type_desc: str | None = None
    source_material: str | None = None


class NonMedicinalIngredient(_Record):
    lnhpd_id: int
    ingredient_name: str


class ProductPurpose(_Record):
    text_id: int | None = None
    lnhpd_id: int
    purpose: str


class ProductRisk(_Record):
    lnhpd_id: int
    risk_id: int | None = None
    risk_type_desc: str | None = None
    sub_risk_type_desc: str | None = None
    risk_text: str


class ProductDose(_Record):
    lnhpd_id: int
    dose_id: int | None = None
    population_type_desc: str | None = None
    age: float | None = None
    age_minimum: float | None = None
    age_maximum: float | None = None
    uom_type_desc_age: str | None = None
    quantity_dose: float | None = None
    quantity_dose_minimum: float | None = None
    quantity_dose_maximum: float | None = None
    uom_type_desc_quantity_dose: str | None = None
    frequency: float | None = None
    frequency_minimum: float | None = None
    frequency_maximum: float | None = None
    uom_type_desc_frequency: str | None = None


class ProductRoute(_Record):
    lnhpd_id: int
    route_id: int | None = None
    route_type_desc: str | None = None


#: endpoint name -> record model
ENDPOINTS: dict[str, type[_Record]] = {
    "productlicence": ProductLicence,
    "medicinalingredient": MedicinalIngredient,
    "nonmedicinalingredient": NonMedicinalIngredient,
    "productpurpose": ProductPurpose,
    "productrisk": ProductRisk,
    "productdose": ProductDose,
    "productroute": ProductRoute,
}

#: endpoints the API serves paginated ({"metadata": {"pagination": ...}, "data": [...]})
PAGINATED = {"medicinalingredient", "productpurpose", "productrisk"}


class LicenceBundle(BaseModel):
    """Everything about one licence in one language ("en" or "fr")."""

    language: str = "en"
    licence: ProductLicence
    medicinal_ingredients: list[MedicinalIngredient] = Field(default_factory=list)
    non_medicinal_ingredients: list[NonMedicinalIngredient] = Field(default_factory=list)
    purposes: list[ProductPurpose] = Field(default_factory=list)
    risks: list[ProductRisk] = Field(default_factory=list)
    doses: list[ProductDose] = Field(default_factory=list)
    routes: list[ProductRoute] = Field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.licence.flag_product_status != 0
