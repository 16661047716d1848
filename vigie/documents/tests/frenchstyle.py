"""A French style check for generated documents: the slips a CNIL agent, a lawyer or a patient would notice.

``slips(text, names=...)`` returns every slip found in a document's text as ``(rule, excerpt)`` pairs; the
tests run it over every document of every demo breach and over random dossiers. It checks what we write,
so the dossiers it runs on carry correct narratives. Each rule is a small regular expression or function,
named for what it catches:

- punctuation: a no-break space before « ; : ! ? » (never an ordinary one, never none), no « ? : »;
- parentheses: none nested (« )) », « (( ») nor two groups in a row (« (estimation) (patients) »);
- references: « art. L. 1110-4 », not « L.1110-4 »;
- acronyms kept in capitals (« NIR », « CNIL »), outside web and e-mail addresses;
- elision and contraction: « d'environ », « l'ARS », « du laboratoire », never « de environ », « de le »;
- agreement: « un patient », « 4 800 patients », « gravité maximale », the person's gender rather than « (e) »;
- words: « clôturée » for a closed breach, no admission that secrecy was breached, no Python leaking
  (« None », « True »), no placeholder left (« {{ … }} »);
- an organisation's name that opens with a common noun takes its article in running text
  (« au sein du laboratoire Bio Armor », not « au sein de Laboratoire Bio Armor »).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from vigie.documents.content.grammar import ORGANISATION_NOUNS, starts_with_vowel_sound

NBSP = "\u00a0\u202f"
URL_OR_EMAIL = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|eu|gouv|example|net)\b\S*"
)
ACRONYMS = (
    "nir",
    "cnil",
    "rgpd",
    "siret",
    "siren",
    "finess",
    "rpps",
    "anssi",
    "enisa",
    "cepd",
    "ars",
    "dpo",
    "ehpad",
    "chu",
)
ELIDING = ("de", "le", "la", "que", "ne", "se", "je", "me", "te", "ce", "jusque", "lorsque", "puisque")
PERSON_NOUNS = ("personne", "patient", "mineur", "enregistrement", "salarié", "client", "heure", "jour")


def _without_addresses(text: str) -> str:
    return URL_OR_EMAIL.sub("Zurl", text)


def _excerpt(text: str, start: int, end: int) -> str:
    return text[max(0, start - 30) : end + 30].replace("\n", " ")


def _find(rule: str, pattern: str, text: str, flags: int = 0) -> Iterable[tuple[str, str]]:
    for match in re.finditer(pattern, text, flags):
        yield rule, _excerpt(text, match.start(), match.end())


def slips(text: str, *, names: Iterable[str] = (), sms: bool = False) -> list[tuple[str, str]]:
    """Every slip of French style in ``text``; ``names`` are organisation names that may appear in it. In a
    text message (``sms``), the space before « : ; ! ? » is an ordinary one: GSM-7 has no no-break space."""
    found: list[tuple[str, str]] = []
    plain = _without_addresses(text)

    # Punctuation: a no-break space before ; ! ? and before a colon that ends a label or a clause.
    found += _find("space before ; ! ?", rf"(?<=[^{NBSP}\s])[;!?]", plain)
    if not sms:
        found += _find("ordinary space before ; : ! ?", r"[ \t][;!?:]", plain)
    found += _find("space before :", r"(?<=[^\s\d]):(?=\s|$)", plain, re.M)
    found += _find("? followed by :", rf"\?[{NBSP} ]*:", plain)
    found += _find("space before , or .", r"[ \u00a0][,.](?!\.\.)(?=\s|$)", plain, re.M)
    found += _find("doubled punctuation", r"(?<!\.)\.\.(?!\.)|,,|;;|,\.|\?\.|:\.", plain)

    # Parentheses.
    found += _find("nested parentheses", r"\(\(|\)\)", plain)
    found += _find("two parentheses in a row", r"\)[\s\u00a0]+\(", plain)

    # References to codes: « L. 1110-4 », « R. 4127-4 », « D. 1111-16-2 ».
    found += _find("article reference", r"\b[LRD]\.\d", plain)

    # Acronyms lowered (« nir » after a careless capitalize()).
    found += _find("acronym in lower case", rf"\b(?:{'|'.join(ACRONYMS)})\b", plain)

    # Elision and contraction.
    # (« Changez-le aussi »: a pronoun after an imperative does not elide.)
    for match in re.finditer(rf"(?<![\w-])({'|'.join(ELIDING)}) ([\w«]+)", plain, re.IGNORECASE):
        if starts_with_vowel_sound(match.group(2)):
            found.append(("missing elision", _excerpt(plain, match.start(), match.end())))
    found += _find("missing contraction", r"\b(?:de|à) les? (?=[A-ZÉ][a-zé])", plain)

    # Agreement of numbers: « un patient », « 2 patients ».
    for match in re.finditer(rf"(?<![\d,])(\d[\d{NBSP}]*) ({'|'.join(PERSON_NOUNS)})(s?)\b", plain):
        number = int(re.sub(rf"[{NBSP}]", "", match.group(1)))
        if (number > 1) != bool(match.group(3)):
            found.append(("number agreement", _excerpt(plain, match.start(), match.end())))
    found += _find("number agreement", rf"\b(?:un|une|1) (?:{'|'.join(PERSON_NOUNS)})s\b", plain)
    found += _find(
        "gender agreement (gravité)",
        r"(?i)gravit[ée][^.\n]{0,40}?\b(?:maximal|limité|important|négligeables)\b(?!e)",
        plain,
    )
    found += _find("inclusive (e)", r"\w\((?:e|es|s|ne|le|x)\)", plain)

    # Words.
    found += _find("« close » for a closed breach", r"(?i)\b(?:statut|violation)\b[^.\n]{0,30}\bclose\b", plain)
    found += _find(
        "admits a breach of secrecy",
        r"(?i)secret (?:médical|professionnel)[^.\n]{0,50}(?:pas été respecté|a été violé|a été rompu|été trahi)",
        plain,
    )
    found += _find("Python value leaked", r"\b(?:None|True|False|null|nan)\b", plain)
    found += _find("placeholder left", r"\{\{|\}\}", plain)

    # An organisation's name opening with a common noun, mid-sentence without its article.
    for name in names:
        first = re.split(r"[\s'’-]", name, maxsplit=1)[0]
        if first.lower() not in ORGANISATION_NOUNS:
            continue
        for match in re.finditer(re.escape(name), plain):
            before = plain[max(0, match.start() - 12) : match.start()]
            if re.search(r"\b[a-zàâéèêîôûç']+[ \u00a0]$", before) and not re.search(r"[.:!?»]\s*$", before):
                found.append(("organisation name without its article", _excerpt(plain, match.start(), match.end())))
    return found
