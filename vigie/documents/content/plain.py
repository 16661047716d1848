"""Plain-language French for the persons concerned (GDPR art. 34(2): « in clear and plain language »).

Short sentences and everyday words, adapted to the facts: which data, how it got out, what criminals do with
health data (phishing that quotes your care, identity theft, blackmail), and what each person can do. The
readability of the result is measured (``vigie.documents.readability``) and tested.
"""

from __future__ import annotations

import re

from .common import View

WHAT_HAPPENED = {
    "ransomware": "Des pirates ont attaqué notre système informatique avec un virus. Ce virus a bloqué nos fichiers.",
    "malware": "Un virus a touché notre système informatique.",
    "hacking": "Des pirates sont entrés dans notre système informatique sans autorisation.",
    "credential_stuffing": "Des personnes ont utilisé des mots de passe volés pour entrer dans des comptes en ligne.",
    "phishing": "Un faux message nous a trompés. Des pirates ont ainsi pu entrer dans un de nos comptes.",
    "social_engineering": "Une personne s'est fait passer pour quelqu'un d'autre. Elle a obtenu des informations.",
    "insider_misuse": "Une personne de notre équipe a lu des dossiers sans raison valable.",
    "lost_device": "Nous avons perdu un appareil (ordinateur, téléphone ou clé USB). Il contenait des données.",
    "stolen_device": "On nous a volé un appareil (ordinateur, téléphone ou clé USB). Il contenait des données.",
    "lost_paper": "Nous avons perdu des documents papier.",
    "stolen_paper": "On nous a volé des documents papier.",
    "misdirected_email": "Un e-mail a été envoyé par erreur à une mauvaise personne.",
    "misdirected_post": "Un courrier a été envoyé par erreur à une mauvaise adresse.",
    "wrong_recipient_other": "Des documents ont été remis par erreur à une mauvaise personne.",
    "accidental_publication": "Des données ont été mises en ligne par erreur.",
    "improper_disposal": "Des documents ou du matériel ont été jetés sans être détruits.",
    "system_failure": "Une panne de notre système informatique a touché des données.",
    "processor_incident": "Un de nos prestataires en informatique a subi un incident.",
    "other": "Un incident de sécurité a touché des données.",
}

DATA_PLAIN = {
    "identity": "votre nom et votre prénom",
    "contact": "vos coordonnées (adresse, téléphone, e-mail)",
    "birth_date": "votre date de naissance",
    "national_id": "votre numéro de sécurité sociale",
    "official_id": "la copie d'une pièce d'identité",
    "financial": "des données bancaires (par exemple votre RIB)",
    "payment_card": "des données de carte bancaire",
    "credentials": "votre identifiant et votre mot de passe",
    "location": "des lieux où vous êtes allé",
    "communications": "le contenu de messages",
    "professional": "des informations sur votre travail",
    "behavioural": "des informations sur vos habitudes",
    "social_welfare": "des informations sur votre situation sociale",
    "health": "des informations sur votre santé (résultats, comptes rendus, traitements)",
    "genetic": "des données génétiques",
    "biometric": "des données comme une empreinte ou une photo du visage",
    "sexual_life": "des informations sur votre vie sexuelle",
    "racial_ethnic": "des informations sur vos origines",
    "political_religious": "des informations sur vos opinions ou votre religion",
    "criminal": "des informations judiciaires",
    "other": "d'autres données",
}
SENSITIVE = {"health", "genetic", "sexual_life", "biometric", "racial_ethnic", "political_religious", "criminal"}
MALICIOUS_ORIGINS = {"ransomware", "malware", "hacking", "credential_stuffing", "phishing", "social_engineering"}


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def exposed(view: View) -> bool:
    """Someone who should not have seen the data may use it."""
    conf = view.facts.get("confidentiality", {})
    return (
        "confidentiality" in view.types
        or conf.get("exfiltration") in ("confirmed", "likely")
        or bool(conf.get("published"))
    )


def hostile(view: View) -> bool:
    conf = view.facts.get("confidentiality", {})
    return bool(
        view.malicious
        or view.origin in MALICIOUS_ORIGINS | {"stolen_device", "stolen_paper"}
        or conf.get("recipient") == "malicious"
        or conf.get("published")
    )


def what_happened(view: View) -> str:
    sentences = [WHAT_HAPPENED.get(view.origin, WHAT_HAPPENED["other"])]
    conf = view.facts.get("confidentiality", {})
    avail = view.facts.get("availability", {})
    if conf.get("exfiltration") == "confirmed":
        sentences.append("Des données ont été copiées.")
    elif "confidentiality" in view.types:
        sentences.append("Des personnes sans droit ont pu voir ou copier des données.")
    if conf.get("published"):
        sentences.append("Une partie des données a été publiée sur internet.")
    if "integrity" in view.types:
        sentences.append("Certaines données ont pu être modifiées.")
    if "availability" in view.types:
        if avail.get("permanent_loss"):
            sentences.append("Certaines données sont perdues.")
        else:
            sentences.append("Pendant un temps, nous n'avions plus accès à ces données.")
    return " ".join(sentences)


def data_concerned(view: View) -> list[str]:
    return [cap(DATA_PLAIN.get(code, DATA_PLAIN["other"])) + "." for code in view.categories]


def consequences(view: View) -> list[str]:
    cats = set(view.categories)
    out: list[str] = []
    avail = view.facts.get("availability", {})
    if exposed(view) and hostile(view):
        if cats & {"identity", "contact", "health", "national_id"}:
            out.append(
                "Des escrocs peuvent vous appeler ou vous écrire. Ils se font passer pour nous, votre médecin "
                "ou l'Assurance Maladie. Ils parlent de vos soins pour gagner votre confiance. Puis ils "
                "demandent vos codes ou de l'argent."
            )
        if cats & {"national_id", "official_id", "identity"} and cats & {"birth_date", "national_id", "official_id"}:
            out.append(
                "Ils peuvent aussi utiliser votre identité. Par exemple pour ouvrir un compte ou faire un crédit."
            )
        if cats & SENSITIVE:
            out.append(
                "Ils peuvent menacer de dire des choses sur votre santé. Le but est de vous demander de l'argent."
            )
        if cats & {"financial", "payment_card"}:
            out.append("Ils peuvent essayer de prendre de l'argent sur votre compte.")
        if "credentials" in cats:
            out.append("Ils peuvent essayer d'entrer dans vos comptes en ligne.")
    elif exposed(view):
        out.append("Une personne qui n'aurait pas dû les voir a pu lire ces informations.")
        if cats & SENSITIVE:
            out.append("Le secret médical n'a donc pas été respecté.")
    if avail.get("impact_on_care"):
        out.append("Certains soins, rendez-vous ou résultats ont pu être retardés.")
    if avail.get("permanent_loss"):
        out.append("Certaines informations de votre dossier sont peut-être perdues.")
    out.append("Nous ne savons pas si ces données seront utilisées. Nous préférons vous prévenir.")
    return out


def _items(text: str) -> list[str]:
    parts = [part.strip(" .-•\t") for part in re.split(r"[;\n]+", text)]
    return [cap(part) + "." for part in parts if part]


def measures(view: View) -> list[str]:
    out: list[str] = []
    if view.done_at("notify_cnil"):
        out.append("Nous avons prévenu la CNIL.")
    elif view.decision.get("notify_authority"):
        out.append("Nous prévenons la CNIL.")
    if view.done_at("police_complaint"):
        out.append("Nous avons porté plainte.")
    if view.facts.get("confidentiality", {}).get("recovered_or_deleted"):
        out.append("Les données ont été récupérées ou effacées.")
    avail = view.facts.get("availability", {})
    if avail.get("backup") and "availability" in view.types and not avail.get("permanent_loss"):
        out.append("Nous avons remis nos données en place grâce à nos copies de sauvegarde.")
    out += _items(view.narrative("measures_taken"))
    planned = _items(view.narrative("measures_planned"))
    if planned:
        out.append("Nous allons aussi faire ceci : " + " ".join(planned))
    if len(out) <= 1:
        out.append("Nous travaillons à arrêter l'incident et à éviter qu'il se reproduise.")
    return out


def measures_formal(view: View) -> list[str]:
    """The measures as the organisation recorded them, for a professional reader (falls back on ``measures``)."""
    taken = _items(view.narrative("measures_taken"))
    planned = [f"Envisagé : {item[0].lower()}{item[1:]}" for item in _items(view.narrative("measures_planned"))]
    return taken + planned or measures(view)


def advice(view: View) -> list[str]:
    cats = set(view.categories)
    out = [
        "Méfiez-vous des appels, e-mails ou SMS qui parlent de vos soins. Même s'ils semblent venir de nous ou "
        "de l'Assurance Maladie.",
        "Ne donnez jamais vos codes, vos mots de passe ou vos données de carte. Nous ne vous les demanderons jamais.",
        "Ne cliquez pas sur le lien d'un message qui vous semble bizarre.",
    ]
    if cats & {"financial", "payment_card"}:
        out.append("Surveillez vos relevés de compte. Au moindre doute, appelez votre banque.")
    if "payment_card" in cats:
        out.append("Faites opposition à votre carte si vous voyez un achat que vous n'avez pas fait.")
    if "credentials" in cats:
        out.append("Changez votre mot de passe. Changez-le aussi sur les sites où vous utilisez le même.")
    if cats & {"national_id", "official_id"}:
        out.append("Si quelqu'un utilise votre identité, portez plainte. Prévenez aussi votre banque.")
    if cats & SENSITIVE and hostile(view):
        out.append(
            "Si quelqu'un vous menace ou vous demande de l'argent, ne payez pas. Gardez le message et portez plainte."
        )
    if view.facts.get("availability", {}).get("impact_on_care"):
        out.append("S'il vous manque un rendez-vous ou un résultat, appelez-nous.")
    out.append("Pour savoir comment réagir à une arnaque, allez sur le site cybermalveillance.gouv.fr.")
    return out


def summary_formal(view: View) -> str:
    """One formal paragraph: nature, origin, dates, persons and data (for the Ordre, the insurer, a client)."""
    text = (
        f"Il s'agit d'une {view.types_label() or 'violation de données'} ayant pour origine : {view.origin_label()}. "
        f"Nous en avons eu connaissance le {view.aware_text()}. "
        f"Elle concerne {view.persons_text()} ({view.person_categories_label()}) et les catégories de données "
        f"suivantes : {view.categories_label() or 'non précisées'}."
    )
    description = view.narrative("description")
    return f"{text} {description}" if description else text
