"""Postal addresses for window envelopes, written to AFNOR NF Z10-011 (La Poste's rules).

At most 6 lines of at most 38 characters; the block is left-aligned; the last lines (street, lieu-dit,
postcode and town) in capitals without accents nor punctuation, as La Poste's sorting machines read best.
The first lines (the person, the delivery point) keep their accents.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

MAX_LINES = 6
MAX_WIDTH = 38


class AddressError(ValueError):
    """The address cannot be written on an envelope as it is (too many lines, a line too long)."""


def _postal(line: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", line) if not unicodedata.combining(c))
    plain = re.sub(r"[^0-9A-Za-z ]+", " ", plain.replace("œ", "oe").replace("Œ", "OE"))
    return " ".join(plain.upper().split())


def format_address(lines: list[str], *, postal: int | None = None) -> list[str]:
    """The address block: empty lines dropped, spaces collapsed, postal lines normalised; checked.

    ``postal`` is how many of the last lines are the postal part (street, lieu-dit, postcode and town); by
    default the last two, or three when the block has five lines or more."""
    kept = [" ".join(line.split()) for line in lines if line and line.strip()]
    if not kept:
        raise AddressError(_("The address is empty."))
    if len(kept) > MAX_LINES:
        raise AddressError(_("The address has %(n)s lines; 6 at most.") % {"n": len(kept)})
    # The street and town lines: the last two, or three when the block has five lines or more.
    if postal is None:
        postal = 3 if len(kept) >= 5 else 2
    postal_from = max(1, len(kept) - postal)
    out = kept[:postal_from] + [_postal(line) for line in kept[postal_from:]]
    for number, line in enumerate(out, start=1):
        if len(line) > MAX_WIDTH:
            raise AddressError(
                _("Line %(number)s has %(n)s characters; 38 at most.") % {"number": number, "n": len(line)}
            )
    return out


SPECIMEN = ["Madame ou Monsieur Prénom NOM", "NUMERO ET LIBELLE DE LA VOIE", "CODE POSTAL ET LOCALITE"]


def wrap(lines: list[str], width: int = MAX_WIDTH) -> list[str]:
    """Lines longer than ``width`` split at spaces (for the names of councils, which run long)."""
    out: list[str] = []
    for line in lines:
        current = ""
        for word in line.split():
            while len(word) > width:  # a single word longer than a line: cut it
                if current:
                    out.append(current)
                    current = ""
                out.append(word[:width])
                word = word[width:]
            if current and len(current) + 1 + len(word) > width:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        if current:
            out.append(current)
    return out
