"""The texts an organisation may rewrite, and the small, safe placeholder language they are written in.

A text is plain French with ``{{ name }}`` placeholders, filled from a fixed table of strings computed from
the dossier (:func:`context`). There is no expression, filter, attribute access nor loop: the filler is a
regular expression over a whitelist, so a text typed by a user can neither reach Python objects nor inject
markup (the values go to typst and DOCX as data, to HTML through autoescaping).

Layout of a text: blocks separated by a blank line; a block starting with ``## `` is a sub-heading; a block
whose lines all start with ``- `` is a bulleted list; a block that is only a list placeholder such as
``{{ advice }}`` becomes that list.
"""

from __future__ import annotations

import re
from typing import Any

from .content import plain
from .content.common import CNIL_COMPLAINT_URL, Block, View, long_date, short_date, working_days_after

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

LETTER = """\
Madame, Monsieur,

Nous vous écrivons car des données qui vous concernent ont été touchées par un incident.

## Que s'est-il passé ?

{{ what_happened }}

Nous l'avons appris le {{ breach.date }}.

## Quelles données sont concernées ?

{{ data_concerned }}

## Quels sont les risques ?

{{ consequences }}

## Ce que nous avons fait

{{ measures }}

## Ce que nous vous conseillons

{{ advice }}

## Pour nous joindre

{{ contact }} Rappelez la référence {{ breach.reference }}.

## Votre droit de réclamation

Vous pouvez aussi vous plaindre auprès de la CNIL. C'est l'autorité qui protège vos données. Son site : {{ cnil_url }}.

Nous regrettons cet incident. Nous restons à votre écoute.

Veuillez agréer, Madame, Monsieur, nos salutations distinguées."""

LETTER_PARENT = """\
Madame, Monsieur,

Nous vous écrivons car des données qui concernent votre enfant ont été touchées par un incident.

## Que s'est-il passé ?

{{ what_happened }}

Nous l'avons appris le {{ breach.date }}.

## Quelles données de votre enfant sont concernées ?

{{ data_concerned }}

## Quels sont les risques ?

{{ consequences }}

## Ce que nous avons fait

{{ measures }}

## Ce que nous vous conseillons

{{ advice }}

## Pour nous joindre

{{ contact }} Rappelez la référence {{ breach.reference }}.

## Votre droit de réclamation

Vous pouvez aussi vous plaindre auprès de la CNIL, pour votre enfant. C'est l'autorité qui protège les données personnelles. Son site : {{ cnil_url }}.

Nous regrettons cet incident. Nous restons à votre écoute.

Veuillez agréer, Madame, Monsieur, nos salutations distinguées."""

SMS = (
    "{{ organisation.name }} : un incident découvert le {{ breach.date_short }} a touché vos données. "
    "Méfiez-vous des appels et messages qui parlent de vos soins. Ne donnez jamais vos codes. "
    "Infos : {{ contact_short }}"
)

PUBLIC_NOTICE = """\
## Information sur un incident touchant des données personnelles

Le {{ breach.date }}, nous avons appris qu'un incident avait touché des données de personnes suivies par nos soins. {{ public_notice_reason }}

## Que s'est-il passé ?

{{ what_happened }}

## Quelles données sont concernées ?

{{ data_concerned }}

## Quels sont les risques ?

{{ consequences }}

## Ce que nous avons fait

{{ measures }}

## Ce que nous vous conseillons

{{ advice }}

## Pour nous joindre

{{ contact }}

Vous pouvez aussi vous plaindre auprès de la CNIL : {{ cnil_url }}."""

ORDRE = """\
Madame la Présidente, Monsieur le Président,

Je tiens à vous informer d'une violation de données personnelles survenue au sein {{ organisation.of }}, dont nous avons eu connaissance le {{ breach.date }}, sous la référence {{ breach.reference }}.

{{ summary }}

Les mesures prises, et celles qui sont prévues, sont les suivantes :

{{ measures_formal }}

{{ cnil_status }} {{ persons_status }}

Ce courrier ne répond à aucune obligation légale. Il vise à tenir le conseil informé, au regard du secret professionnel, {{ deontology }}, et de la continuité des soins si elle devait être affectée.

Je reste à votre disposition pour tout renseignement complémentaire et vous prie d'agréer, Madame la Présidente, Monsieur le Président, l'expression de mes {{ ordre_salutations }}."""

INSURER = """\
Madame, Monsieur,

Nous vous déclarons un sinistre : une violation de données personnelles, dont nous avons eu connaissance le {{ breach.date }}, sous notre référence {{ breach.reference }}.

{{ insurer_deadline }}

{{ summary }}

{{ complaint_status }}

Les mesures prises, et celles qui sont prévues, sont les suivantes :

{{ measures_formal }}

{{ cnil_status }}

Nous vous remercions de nous indiquer la marche à suivre, l'expert éventuellement mandaté et les pièces à fournir.

Veuillez agréer, Madame, Monsieur, nos salutations distinguées."""

PROCESSOR_NOTICE = """\
Madame, Monsieur,

En notre qualité de sous-traitant, nous vous informons sans délai d'une violation de données personnelles touchant des données que nous traitons pour votre compte, en application de l'article 33, paragraphe 2, du RGPD. Nous en avons eu connaissance le {{ breach.date }}, sous notre référence {{ breach.reference }}.

{{ summary }}

Conséquences probables : {{ consequences_formal }}

Les mesures prises, et celles qui sont prévues, sont les suivantes :

{{ measures_formal }}

Il vous appartient, en tant que responsable de traitement, d'apprécier s'il faut notifier la CNIL dans les 72 heures suivant le moment où vous avez connaissance de la violation, et informer les personnes concernées. Nous vous apportons toute l'aide nécessaire, selon l'article 28, paragraphe 3, point f, et vous transmettrons les informations complémentaires dès qu'elles seront connues, selon l'article 33, paragraphe 4.

Votre contact : {{ contact_formal }}.

Veuillez agréer, Madame, Monsieur, nos salutations distinguées."""

DEFAULTS: dict[str, str] = {
    "letter": LETTER,
    "email": LETTER,
    "letter-parent": LETTER_PARENT,
    "email-parent": LETTER_PARENT,
    "sms": SMS,
    "public-notice": PUBLIC_NOTICE,
    "ordre": ORDRE,
    "insurer": INSURER,
    "processor-notice": PROCESSOR_NOTICE,
}

# Every placeholder a text may use. A list value fills a block of its own as bullets, or is joined inline.
NAMES = (
    "organisation.name",
    "organisation.subject",
    "organisation.of",
    "organisation.city",
    "organisation.phone",
    "organisation.email",
    "organisation.website",
    "dpo.name",
    "dpo.email",
    "dpo.phone",
    "breach.reference",
    "breach.title",
    "breach.date",
    "breach.date_short",
    "breach.description",
    "what_happened",
    "data_concerned",
    "consequences",
    "consequences_formal",
    "measures",
    "measures_formal",
    "advice",
    "contact",
    "contact_short",
    "contact_formal",
    "summary",
    "cnil_status",
    "persons_status",
    "complaint_status",
    "deontology",
    "ordre_salutations",
    "insurer_deadline",
    "public_notice_reason",
    "cnil_url",
)


def deontology(view: View) -> str:
    """The rules of professional secrecy the organisation's practitioners are bound by."""
    articles = {
        "medecins": "art. L. 1110-4, R. 4127-4 et R. 4127-73",
        "pharmaciens": "art. L. 1110-4 et R. 4235-5",
    }.get(str(view.org.get("profession") or ""), "art. L. 1110-4")
    return f"{articles} du code de la santé publique"


def ordre_salutations(view: View) -> str:
    """« confraternelles » only between members of the same Ordre; « distinguées » otherwise."""
    return "salutations confraternelles" if view.legal.get("ordre_member") else "salutations distinguées"


def insurer_deadline(view: View) -> str:
    """The contractual deadline to declare a claim, never under five working days (C. assur. L. 113-2 4°)."""
    return (
        "Le contrat fixe le délai de déclaration du sinistre, qui ne peut être inférieur à cinq jours ouvrés à "
        f"compter de sa connaissance : il ne peut donc expirer avant le {long_date(working_days_after(view.aware_at, 5))}, "
        "selon l'art. L. 113-2, 4° du code des assurances."
    )


def public_notice_reason(view: View) -> str:
    """Why a public notice: each person cannot be reached (art. 34(3)(c)), or it adds to the letters."""
    if view.decision.get("data_subjects_channel") == "public":
        return "Nous ne pouvons pas joindre chacune d'elles : nous publions donc cet avis."
    return "Nous publions cet avis en plus de l'information que nous adressons à chacune d'elles."


def context(view: View, *, letter: bool = True) -> dict[str, str | list[str]]:
    """The value of every placeholder for this dossier (``letter``: the text is a letter, not a notice)."""
    values: dict[str, str | list[str]] = {
        "organisation.name": view.name,
        "organisation.subject": view.named.subject,
        "organisation.of": view.named.of_,
        "organisation.city": view.city,
        "organisation.phone": str(view.org.get("phone") or ""),
        "organisation.email": str(view.org.get("email") or ""),
        "organisation.website": str(view.org.get("website") or ""),
        "dpo.name": view.dpo["name"],
        "dpo.email": view.dpo["email"],
        "dpo.phone": view.dpo["phone"],
        "breach.reference": view.reference,
        "breach.title": view.title,
        "breach.date": long_date(view.aware_at),
        "breach.date_short": short_date(view.aware_at),
        "breach.description": view.narrative("description"),
        "what_happened": plain.what_happened(view),
        "data_concerned": plain.data_concerned(view),
        "consequences": plain.consequences(view),
        "consequences_formal": view.narrative("consequences") or " ".join(plain.consequences(view)),
        "measures": plain.measures(view),
        "measures_formal": plain.measures_formal(view),
        "advice": plain.advice(view),
        "contact": view.contact_sentence(letter=letter),
        "contact_short": view.contact_short(),
        "contact_formal": view.contact_formal(),
        "summary": plain.summary_formal(view),
        "cnil_status": view.cnil_status(),
        "persons_status": view.persons_status(),
        "complaint_status": view.complaint_status(),
        "deontology": deontology(view),
        "ordre_salutations": ordre_salutations(view),
        "insurer_deadline": insurer_deadline(view),
        "public_notice_reason": public_notice_reason(view),
        "cnil_url": CNIL_COMPLAINT_URL,
    }
    assert set(values) == set(NAMES)
    return values


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders of ``text`` that are not in ``NAMES`` (refused when a text is saved)."""
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in NAMES})


def fill(text: str, values: dict[str, str | list[str]]) -> str:
    """Replace each known placeholder by its value (a list joined by spaces); anything else stays as typed."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        return " ".join(value) if isinstance(value, list) else value

    return PLACEHOLDER.sub(one, text)


def blocks(text: str, values: dict[str, str | list[str]]) -> list[Block]:
    """The text laid out in blocks (see the module's docstring), placeholders filled."""
    out: list[Block] = []
    for raw in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        chunk = raw.strip()
        if not chunk:
            continue
        whole = PLACEHOLDER.fullmatch(chunk)
        if whole and isinstance(values.get(whole.group(1)), list):
            out.append(Block("list", items=list(values[whole.group(1)])))
            continue
        if chunk.startswith("## "):
            out.append(Block("h", text=fill(chunk[3:].strip(), values)))
            continue
        lines = chunk.splitlines()
        if all(line.lstrip().startswith("- ") for line in lines):
            out.append(Block("list", items=[fill(line.lstrip()[2:].strip(), values) for line in lines]))
            continue
        out.append(Block("p", text=fill(" ".join(line.strip() for line in lines), values)))
    return out


def text_for(view: View, kind: str) -> tuple[str, int | None]:
    """The text used for ``kind``: the organisation's latest version if any (with its number), else the default."""
    own: dict[str, Any] | None = (view.d.get("templates") or {}).get(kind)
    if own and own.get("body", "").strip():
        return str(own["body"]), int(own["version"])
    return DEFAULTS[kind], None
