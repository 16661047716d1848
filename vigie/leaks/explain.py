"""A pair explained for a person: both records side by side, trait by trait, and why they agree or not."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from vigie.breaches.choices import DataCategory
from vigie.campaigns.importing import FIELD_LABELS_FR

LEVELS: dict[str, dict[str, Any]] = {
    "order": {"swapped": _("First and family names are swapped in the leaked file")},
    "family_name": {
        "exact": _("Same family name"),
        "close": _("Family names one typo apart"),
        "partial": _("One part of a compound family name in common"),
        "different": _("Different family names"),
    },
    "given_name": {
        "exact": _("Same first name"),
        "other": _("The first name is another of the given names, or part of a compound one"),
        "close": _("First names one typo apart"),
        "different": _("Different first names"),
    },
    "birth_date": {
        "exact": _("Same birth date"),
        "swapped": _("Same birth date, day and month swapped"),
        "typo": _("Birth dates one mistyped digit apart (the leaked one cannot exist)"),
        "close": _("Birth dates one digit apart"),
        "near": _("Birth dates one digit apart once day and month are swapped"),
        "partial": _("Incomplete birth date, consistent with the other"),
        "year": _("Same birth year only"),
        "different": _("Different birth dates"),
    },
    "nir": {
        "same": _("Same NIR (with or without its key)"),
        "shared": _("Same NIR, but it is not the person's own (an insured parent's?)"),
        "different": _("Different NIRs"),
        "dated": _("The leaked NIR gives the patient's birth year and month, not the leaked date's"),
    },
    "sex": {"same": _("Same sex"), "different": _("Different sexes")},
    "postcode": {
        "same": _("Same postcode"),
        "department": _("Postcodes of the same department"),
        "different": _("Different postcodes"),
    },
}
DETAILS = {
    "birth/birth": _("birth name of both"),
    "birth/usage": _("the leaked name is the patient's used name"),
    "usage/birth": _("the leaked used name is the patient's birth name"),
    "usage/usage": _("used name of both"),
}
AGREE = {"exact", "same"}
PARTIAL = {"close", "other", "swapped", "typo", "partial", "department", "near", "shared", "dated"}
# Which rows of the side-by-side table each trait speaks for.
ROWS = (
    ("family_name", ("birth_name", "usage_name")),
    ("given_name", ("given_names",)),
    ("birth_date", ("birth_date",)),
    ("sex", ("sex",)),
    ("nir", ("nir",)),
    ("postcode", ("postcode",)),
)


def review_reason(data: dict[str, Any]) -> str:
    """Why a person must decide: what keeps this pair from being matched automatically."""
    levels = {item["trait"]: item["level"] for item in data.get("evidence", [])}
    runner_up, weight = data.get("runner_up"), data.get("weight")
    if levels.get("given_name") == "different":
        return str(_("The first names differ: a twin, or a usual first name your base does not know?"))
    if levels.get("family_name") == "different":
        return str(_("The family names differ: a used name your base does not know?"))
    if "birth_date" not in levels and levels.get("nir") != "same":
        return str(_("No birth date in one of the lines to confirm the names."))
    if levels.get("birth_date") in ("close", "near", "partial"):
        return str(_("The birth dates are close but not the same, and nothing else confirms it."))
    if runner_up is not None and weight is not None and weight - runner_up < 5:
        return str(_("Another patient fits this line almost as well."))
    return str(_("The evidence is not strong enough to decide without you."))


def _display_date(value: str) -> str:
    """« 01/06/2001 » for the ISO date of a patient record (as the leaked file usually writes it)."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:]}/{value[5:7]}/{value[:4]}"
    return value


def agreement(level: str) -> str:
    """The CSS class of a level: ``agree``, ``partial``, ``disagree`` or ``""`` (not compared)."""
    if not level:
        return ""
    if level in AGREE:
        return "agree"
    if level in PARTIAL:
        return "partial"
    return "disagree"


def _patient_value(patient: dict[str, Any], name: str) -> str:
    if name == "postcode":
        address = patient.get("address") or []
        return str(address[-1]) if address else ""
    if name == "birth_date":
        return _display_date(str(patient.get(name) or ""))
    return str(patient.get(name) or "")


def explain(data: dict[str, Any]) -> dict[str, Any]:
    """``{"rows": [...], "reasons": [...], "categories": [...]}`` for the review page."""
    levels = {item["trait"]: item for item in data.get("evidence", [])}
    leak, patient = data.get("leak", {}), data.get("patient", {})
    rows = []
    for trait, names in ROWS:
        level = levels.get(trait, {}).get("level", "")
        for name in names:
            left, right = str(leak.get(name) or ""), _patient_value(patient, name)
            if not left and not right:
                continue
            rows.append({"field": name, "label": FIELD_LABELS_FR.get(name, name), "leak": left, "patient": right,
                         "agreement": agreement(level) if left and right else ""})  # fmt: skip
    reasons = []
    for item in data.get("evidence", []):
        label = LEVELS.get(item["trait"], {}).get(item["level"], item["level"])
        detail = item.get("detail", "").replace("swapped", "").strip()
        reasons.append({"label": label, "detail": DETAILS.get(detail, ""), "weight": item["weight"],
                        "agreement": "partial" if item["trait"] == "order" else agreement(item["level"])})  # fmt: skip
    labels = dict(DataCategory.choices)
    categories = [labels.get(category, category) for category in data.get("categories", [])]
    return {"rows": rows, "reasons": reasons, "categories": categories, "why_review": review_reason(data)}
