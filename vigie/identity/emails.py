"""E-mail addresses: syntax only, offline (formats.md §4.2).

email-validator is the reference (~20 µs a call). Common plain-ASCII addresses are accepted by a strict
regular expression that only matches what email-validator accepts (dot-atom local part of letters,
digits, ``_ + -``; a domain of LDH labels with an alphabetic TLD, no special-use name); a test checks the
two agree. Everything else goes through ``validate_email(..., check_deliverability=False)``.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from .errors import Checked, Invalid

_FAST = re.compile(
    r"(?P<local>[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*)@"
    r"(?P<domain>(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,63})"
)
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test", "example", "internal", "home"})
# Syntactically valid but almost surely mistyped French-market domains: a warning, never an error.
_TYPOS = {
    "gmail.con": "gmail.com",
    "gmail.fr": "gmail.com",
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gnail.com": "gmail.com",
    "hotmail.con": "hotmail.com",
    "hotmal.fr": "hotmail.fr",
    "hotmai.fr": "hotmail.fr",
    "orange.fe": "orange.fr",
    "oragne.fr": "orange.fr",
    "wanadoo.fe": "wanadoo.fr",
    "wanado.fr": "wanadoo.fr",
    "free.fe": "free.fr",
    "laposte.fr": "laposte.net",
    "sfr.fe": "sfr.fr",
    "yahoo.con": "yahoo.com",
    "outlook.fe": "outlook.fr",
}


def parse_email(text: str) -> Checked[str]:
    """The normalised address (domain in lower case); raise :class:`Invalid` with the reason."""
    text = text.strip()
    match = _FAST.fullmatch(text)
    if (
        match
        and len(text) <= 254
        and len(match["local"]) <= 64
        and match["domain"].rsplit(".", 1)[1].lower() not in _SPECIAL_USE
        and max(len(label) for label in match["domain"].split(".")) <= 63
    ):
        address = f"{match['local']}@{match['domain'].lower()}"
        domain = match["domain"].lower()
    else:
        if not text:
            raise Invalid("courriel vide")
        try:
            checked = validate_email(text, check_deliverability=False)
        except EmailNotValidError as error:
            raise Invalid(f"courriel « {text[:60]} » invalide : {_french(str(error))}") from None
        address, domain = checked.normalized, checked.domain
    if domain in _TYPOS:
        return Checked(address, (f"courriel : domaine « {domain} » suspect, vouliez-vous dire {_TYPOS[domain]} ?",))
    return Checked(address)


def _french(reason: str) -> str:
    if "@-sign" in reason:
        return "il manque l'arobase (@) ou il y en a plusieurs"
    if "period" in reason and ("consecutive" in reason or "start" in reason or "end" in reason):
        return "point mal placé"
    if "special-use" in reason or "not a valid" in reason.lower() and "domain" in reason:
        return "domaine réservé ou inexistant"
    if "domain" in reason.lower():
        return "nom de domaine incorrect"
    if "character" in reason.lower():
        return "caractère non autorisé"
    if "too long" in reason:
        return "trop long"
    return "syntaxe incorrecte"
