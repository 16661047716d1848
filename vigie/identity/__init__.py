"""Names, NIR/INS, dates, addresses, phones and e-mails: pure normalisation and validation.

No Django, no clock, no I/O: every function takes text and returns a normalised value, or raises
:class:`Invalid` with a reason in plain French that can be shown to the person who imported the file.
Non-blocking remarks travel as ``warnings`` (a tuple of French sentences) beside the value.

    from vigie.identity import parse_nir, parse_birth_date, parse_phone, parse_email, format_address
    nir = parse_nir("1 85 05 78 006 084 91", sex="M", birth_date=date(1985, 5, 1))
    nir.value, nir.warnings          # "185057800608491", ()

The rules and their sources are in ``shared/domain/formats.md`` (NIR §1, RNIV traits §2.3, NF Z10-011 §3,
phones and e-mails §4).
"""

from .addresses import MAX_LINE, MAX_LINES, Address, format_address
from .dates import PartialDate, date_parts, parse_birth_date
from .emails import parse_email
from .errors import Checked, Invalid
from .names import clean, fold, given_name_key, identity_key, name_key, parse_sex, split_compound_name
from .nir import Nir, parse_nir
from .phones import Phone, parse_phone

__all__ = [
    "MAX_LINE",
    "MAX_LINES",
    "Address",
    "Checked",
    "Invalid",
    "Nir",
    "PartialDate",
    "Phone",
    "clean",
    "date_parts",
    "fold",
    "format_address",
    "given_name_key",
    "identity_key",
    "name_key",
    "parse_birth_date",
    "parse_email",
    "parse_nir",
    "parse_phone",
    "parse_sex",
    "split_compound_name",
]
