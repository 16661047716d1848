"""FHIR R4 / FR Core: the fixed column mapping shown for FHIR files, the INS identifier systems, and the
conversion of one Patient resource into text fields, like a CSV row."""

from __future__ import annotations

from typing import Any

from .base import _ADDRESS_FIELDS

_FHIR_MAPPING = {
    "birth_name": "Patient.name[use=official].family",
    "usage_name": "Patient.name[use=usual].family",
    "given_names": "Patient.name[use=official].given / fr-core-patient-birth-list-given-name",
    "sex": "Patient.gender",
    "birth_date": "Patient.birthDate",
    "nir": "Patient.identifier[INS-NIR | INS-NIA | NSS]",
    "email": "Patient.telecom[system=email]",
    "phone": "Patient.telecom[system=phone]",
    "mobile": "Patient.telecom[system=phone, use=mobile]",
    "address1": "Patient.address.line[0]",
    "address2": "Patient.address.line[1]",
    "address3": "Patient.address.line[2]",
    "address4": "Patient.address.line[3]",
    "postcode": "Patient.address.postalCode",
    "city": "Patient.address.city",
    "country": "Patient.address.country",
}
_INS_SYSTEMS = {
    # FR Core FRCorePatientINSProfile (formats.md §2.2): OID → (priority, warning)
    "urn:oid:1.2.250.1.213.1.4.8": (0, ""),
    "urn:oid:1.2.250.1.213.1.4.9": (1, ""),
    "urn:oid:1.2.250.1.213.1.4.10": (2, "identifiant INS de test (OID 1.2.250.1.213.1.4.10)"),
    "urn:oid:1.2.250.1.213.1.4.11": (2, "identifiant INS de démonstration (OID 1.2.250.1.213.1.4.11)"),
}
_BIRTH_PLACE = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace"
_INSEE_CODE = "fr-core-address-insee-code"
_BIRTH_LIST = "fr-core-patient-birth-list-given-name"


def _patient(resource: dict[str, Any]) -> dict[str, str]:
    """The fields of one FHIR R4 / FR Core Patient as text, like a CSV row."""
    record: dict[str, str] = {}
    names = [name for name in resource.get("name") or [] if isinstance(name, dict)]
    official = next((n for n in names if n.get("use") in ("official", "maiden")), None)
    usual = next((n for n in names if n.get("use") == "usual"), None)
    if official is None:
        official = next((n for n in names if n.get("use") not in ("usual", "nickname", "old")), None)
    if official is not None:
        record["birth_name"] = str(official.get("family") or "")
        given = " ".join(str(g) for g in official.get("given") or [])
        for extension in official.get("extension") or []:
            if str(extension.get("url", "")).endswith(_BIRTH_LIST) and extension.get("valueString"):
                given = str(extension["valueString"])
        record["given_names"] = given
    if usual is not None:
        record["usage_name"] = str(usual.get("family") or "")
        if not record.get("given_names"):
            record["given_names"] = " ".join(str(g) for g in usual.get("given") or [])
    record["sex"] = {"female": "F", "male": "M"}.get(str(resource.get("gender") or ""), "")
    record["birth_date"] = str(resource.get("birthDate") or "")
    if len(record["birth_date"]) in (4, 7):  # FHIR partial dates: 1950 or 1950-03
        record["birth_date"] = (record["birth_date"] + "-00-00")[:10]

    best: tuple[int, str, str] | None = None
    for identifier in resource.get("identifier") or []:
        system = str(identifier.get("system") or "")
        codes = {str(c.get("code")) for c in (identifier.get("type") or {}).get("coding") or []}
        if system not in _INS_SYSTEMS or not identifier.get("value"):
            continue
        priority, warning = _INS_SYSTEMS[system]
        if "NH" in codes:  # NSS: the insured person's number (ouvrant droit), weaker than the INS
            priority = 3
        if best is None or priority < best[0]:
            best = (priority, str(identifier["value"]), warning)
    if best is not None:
        record["nir"] = best[1]
        if best[2]:
            record["nir_warning"] = best[2]

    for telecom in resource.get("telecom") or []:
        system, value = telecom.get("system"), str(telecom.get("value") or "")
        if system == "email" and "email" not in record:
            record["email"] = value
        elif system in ("phone", "sms") and value:
            name = "mobile" if telecom.get("use") == "mobile" or system == "sms" else "phone"
            record.setdefault(name, value)

    addresses = [a for a in resource.get("address") or [] if isinstance(a, dict)]
    home = next((a for a in addresses if a.get("use") in ("home", None) and a.get("type") != "physical"), None)
    address = home or (addresses[0] if addresses else None)
    if address is not None:
        for name, text in zip(_ADDRESS_FIELDS, address.get("line") or [], strict=False):
            record[name] = str(text)
        record["postcode"] = str(address.get("postalCode") or "")
        record["city"] = str(address.get("city") or "")
        record["country"] = str(address.get("country") or "")

    for extension in resource.get("extension") or []:
        if extension.get("url") == _BIRTH_PLACE:
            for inner in (extension.get("valueAddress") or {}).get("extension") or []:
                if str(inner.get("url", "")).endswith(_INSEE_CODE):
                    coding = inner.get("valueCoding") or {}
                    record["birth_place"] = str(coding.get("code") or "")
    return record
