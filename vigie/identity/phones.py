"""Phone numbers to E.164, French and overseas first (formats.md §4.1).

phonenumbers is exact but slow (~30 µs a call). French numbers written nationally (0X XX XX XX XX,
+33…, 0033…, or 9 digits after a spreadsheet dropped the 0) are checked against phonenumbers' own
metadata patterns compiled once, region by region: FR, then the overseas regions that share the French
national numbering (0262/0692 La Réunion, 0269/0639 Mayotte, 0590/0690 Guadeloupe and the northern
islands, 0596/0696 Martinique, 0594/0694 Guyane, 0508 Saint-Pierre-et-Miquelon). Only other numbers go
through ``phonenumbers.parse``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberDesc, PhoneNumberType

from .errors import Invalid

# Overseas regions reached with a French national number; FR's own patterns exclude their prefixes.
REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
_TYPES = (
    "mobile",
    "fixed_line",
    "voip",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "uan",
    "pager",
    "voicemail",
)
_NOISE = re.compile(r"[\s.\-/()\u00a0\u202f]+")


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid number in E.164 form; ``mobile`` tells whether it can receive an SMS."""

    e164: str
    mobile: bool
    region: str
    warnings: tuple[str, ...] = ()  # what was changed beyond the layout (a 0 put back, a country code corrected)


def _pattern(desc: PhoneNumberDesc | None) -> re.Pattern[str] | None:
    if desc is None or not desc.national_number_pattern:
        return None
    return re.compile(desc.national_number_pattern)


@lru_cache(maxsize=1)
def _regions() -> tuple[tuple[str, int, re.Pattern[str], tuple[tuple[bool, re.Pattern[str]], ...]], ...]:
    compiled = []
    for region in REGIONS:
        meta = PhoneMetadata.metadata_for_region(region)
        assert meta is not None and meta.country_code is not None
        general = _pattern(meta.general_desc)
        assert general is not None
        types = tuple(
            (name == "mobile", pattern)
            for name in _TYPES
            if (pattern := _pattern(getattr(meta, name, None))) is not None
        )
        compiled.append((region, meta.country_code, general, types))
    return tuple(compiled)


# National prefixes of the overseas regions (ARCEP plan). phonenumbers' FR metadata still accepts some of
# them (0596…), while the overseas metadata also list the nationwide 0806–0809 numbers: so the overseas
# regions are tried first only for these prefixes.
_OVERSEAS = re.compile(r"(?:26[239]|59[046]|639|69[0-7]|508|709[0-3])")


def _national(nsn: str) -> Phone | None:
    """The number for a 9-digit French national significant number, in FR or an overseas region."""
    regions = _regions()
    if _OVERSEAS.match(nsn):
        regions = regions[1:] + regions[:1]
    for region, country_code, general, types in regions:
        if not general.fullmatch(nsn):
            continue
        for mobile, pattern in types:
            if pattern.fullmatch(nsn):
                return Phone(f"+{country_code}{nsn}", mobile, region)
    return None


def parse_phone(text: str) -> Phone:
    """The number written in ``text`` (French by default); raise :class:`Invalid` with the reason."""
    digits = _NOISE.sub("", text)
    warnings: list[str] = []
    written_33 = digits.startswith(("+33", "0033"))
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif len(digits) == 9 and digits.isdigit() and digits[0] != "0":
        digits = "0" + digits  # a spreadsheet turned 06… into the number 6…
        warnings.append("téléphone à 9 chiffres : le 0 initial a été remis (retiré par le tableur)")
    if len(digits) == 10 and digits.isdigit() and digits[0] == "0":
        # "+33 262…" is a Réunion number written with the wrong country code: same national number.
        phone = _national(digits[1:])
        if phone is None:
            raise Invalid(f"téléphone « {text.strip()[:30]} » : numéro français inexistant")
        if written_33 and not phone.e164.startswith("+33"):
            code = phone.e164[: len(phone.e164) - 9]
            warnings.append(f"téléphone : indicatif +33 corrigé en {code} (numéro d'outre-mer)")
        return Phone(phone.e164, phone.mobile, phone.region, tuple(warnings)) if warnings else phone
    return _international(text.strip())


def _international(text: str) -> Phone:
    if not text:
        raise Invalid("téléphone vide")
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise Invalid(f"téléphone « {text[:30]} » : illisible") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"téléphone « {text[:30]} » : numéro inexistant")
    kind = phonenumbers.number_type(number)
    return Phone(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE),
        phonenumbers.region_code_for_number(number) or "",
    )


def is_mobile(e164: str) -> bool:
    """Whether a stored E.164 number can receive an SMS."""
    try:
        return parse_phone(e164).mobile
    except Invalid:
        return False
