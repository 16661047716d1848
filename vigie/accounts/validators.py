"""Checks of an organisation's legal identifiers (SIRET, SIREN, FINESS, RPPS, postcode). Pure functions and form
validators."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN whose SIRETs do not follow the Luhn key (INSEE's published exception):
# the sum of their digits is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

_FINESS = re.compile(r"(?:\d{2}|2[AB])\d{7}")
_POSTCODE = re.compile(r"\d{5}")


def compact(value: str) -> str:
    """The identifier without the spaces, dots and dashes people type to make it readable."""
    return re.sub(r"[\s.\-]", "", value).upper()


def luhn_ok(digits: str) -> bool:
    """True if the string of digits passes the Luhn check (ISO/IEC 7812), the key of SIREN and SIRET numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_ok(siret: str) -> bool:
    """14 digits whose SIREN (the first nine) and whole number pass their check."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret[:9]) and luhn_ok(siret)


def validate_siret(value: str) -> None:
    siret = compact(value)
    if len(siret) != 14 or not siret.isdigit():
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_length")
    if not siret_ok(siret):
        raise ValidationError(
            _("This SIRET number is not valid: please check it against your Kbis or INSEE notice."),
            code="siret_key",
        )


def validate_siren(value: str) -> None:
    siren = compact(value)
    if len(siren) != 9 or not siren.isdigit():
        raise ValidationError(_("A SIREN number has 9 digits."), code="siren_length")
    if siren != LA_POSTE_SIREN and not luhn_ok(siren):
        raise ValidationError(
            _("This SIREN number is not valid: please check it against your Kbis or INSEE notice."), code="siren_key"
        )


def validate_rpps(value: str) -> None:
    # Only the form is checked (11 digits): a wrong digit is caught by the Ordre, which knows its members.
    if not re.fullmatch(r"\d{11}", compact(value)):
        raise ValidationError(_("An RPPS number has 11 digits."), code="rpps")


def validate_finess(value: str) -> None:
    if not _FINESS.fullmatch(compact(value)):
        raise ValidationError(
            _("A FINESS number has 9 characters: the department number (2 digits, or 2A / 2B) and 7 digits."),
            code="finess",
        )


def validate_postcode(value: str) -> None:
    if not _POSTCODE.fullmatch(value.strip()):
        raise ValidationError(_("A French postcode has 5 digits."), code="postcode")
