"""Plain-language French for the persons concerned (GDPR art. 34(2): « in clear and plain language »).

Short sentences and everyday words, adapted to the facts: which data, how it got out, what criminals do with
health data (phishing that quotes your care, identity theft, blackmail), and what each person can do. The
readability of the result is measured (``vigie.documents.readability``) and tested.
"""

from __future__ import annotations

import re

from .common import View
from .grammar import cap, de, hours

WHAT_HAPPENED = {
    "ransomware": "Des pirates ont attaqué notre système informatique avec un virus.",
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
# The same data, in a letter to the parent of a minor (« les données de votre enfant »).
DATA_PLAIN_CHILD = {
    "identity": "le nom et le prénom de votre enfant",
    "contact": "ses coordonnées (adresse, téléphone, e-mail)",
    "birth_date": "sa date de naissance",
    "national_id": "le numéro de sécurité sociale sous lequel il est soigné",
    "official_id": "la copie d'une pièce d'identité",
    "financial": "des données bancaires (par exemple votre RIB)",
    "payment_card": "des données de carte bancaire",
    "credentials": "son identifiant et son mot de passe",
    "location": "des lieux où il est allé",
    "communications": "le contenu de messages",
    "professional": "des informations sur votre travail",
    "behavioural": "des informations sur ses habitudes",
    "social_welfare": "des informations sur sa situation sociale",
    "health": "des informations sur sa santé (résultats, comptes rendus, traitements)",
    "genetic": "des données génétiques",
    "biometric": "des données comme une empreinte ou une photo du visage",
    "sexual_life": "des informations sur sa vie sexuelle",
    "racial_ethnic": "des informations sur ses origines",
    "political_religious": "des informations sur ses opinions ou sa religion",
    "criminal": "des informations judiciaires",
    "other": "d'autres données",
}
SENSITIVE = {"health", "genetic", "sexual_life", "biometric", "racial_ethnic", "political_religious", "criminal"}
MALICIOUS_ORIGINS = {"ransomware", "malware", "hacking", "credential_stuffing", "phishing", "social_engineering"}


def yours(view: View, adult: str, child: str) -> str:
    """The words for the person themself, or for the parent of a minor."""
    return child if view.parent else adult


def quoted(text: str) -> str:
    """The user's own notes, marked as their wording: « … », never passed off as ours."""
    return "« " + text.strip().rstrip(".") + " »"


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


# The device, when the medium of the data is recorded (« On nous a volé un ordinateur portable. »).
DEVICES = {
    "laptop": "un ordinateur portable",
    "workstation": "un ordinateur",
    "phone": "un téléphone",
    "usb_key": "une clé USB",
    "backup_media": "un support de sauvegarde",
}


def what_happened(view: View) -> str:
    sentences = [WHAT_HAPPENED.get(view.origin, WHAT_HAPPENED["other"])]
    devices = [DEVICES[m] for m in view.facts.get("data", {}).get("media") or [] if m in DEVICES]
    if view.origin in ("lost_device", "stolen_device") and len(devices) == 1:
        verb = "Nous avons perdu" if view.origin == "lost_device" else "On nous a volé"
        sentences = [f"{verb} {devices[0]}. Il contenait des données."]
    conf = view.facts.get("confidentiality", {})
    avail = view.facts.get("availability", {})
    if view.origin == "ransomware" and "availability" in view.types:
        sentences.append("Ce virus a bloqué nos fichiers.")
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
        elif view.restored:
            span = hours(float(avail["restored_within_hours"]))
            sentences.append(
                f"Nous n'avons plus eu accès à ces données pendant {span}. Elles sont de nouveau disponibles."
            )
        else:
            sentences.append("Nous n'avons plus eu accès à certaines de ces données.")
    return " ".join(sentences)


def data_concerned(view: View) -> list[str]:
    table = DATA_PLAIN_CHILD if view.parent else DATA_PLAIN
    return [cap(table.get(code, table["other"])) + "." for code in view.categories]


CHILD_IDENTITY = "l'identité de votre enfant"


def consequences(view: View) -> list[str]:
    cats = set(view.categories)
    out: list[str] = []
    avail = view.facts.get("availability", {})
    if exposed(view) and hostile(view):
        if cats & {"identity", "contact", "health", "national_id"}:
            out.append(
                "Des escrocs peuvent vous appeler ou vous écrire. Ils se font passer pour nous, votre médecin "
                f"ou l'Assurance Maladie. Ils parlent {yours(view, 'de vos soins', 'des soins de votre enfant')} "
                "pour gagner votre confiance. Puis ils demandent vos codes ou de l'argent."
            )
        if cats & {"national_id", "official_id", "identity"} and cats & {"birth_date", "national_id", "official_id"}:
            out.append(
                f"Ils peuvent aussi utiliser {yours(view, 'votre identité', CHILD_IDENTITY)}. Par exemple pour "
                "ouvrir un compte ou faire un crédit."
            )
        if cats & SENSITIVE:
            out.append(
                f"Ils peuvent menacer de dire des choses sur {yours(view, 'votre santé', 'la santé de votre enfant')}. Le but est "
                "de vous demander de l'argent."
            )
        if cats & {"financial", "payment_card"}:
            out.append("Ils peuvent essayer de prendre de l'argent sur votre compte.")
        if "credentials" in cats:
            out.append(f"Ils peuvent essayer d'entrer dans {yours(view, 'vos comptes', 'ses comptes')} en ligne.")
    elif exposed(view):
        out.append("Une personne qui n'aurait pas dû les voir a pu lire ces informations.")
        if cats & SENSITIVE:
            out.append("Le secret médical qui protège ces informations a donc pu être compromis.")
    if avail.get("impact_on_care"):
        out.append("Certains soins, rendez-vous ou résultats ont pu être retardés.")
    if avail.get("permanent_loss"):
        out.append(
            f"Certaines informations {yours(view, 'de votre dossier', 'de son dossier')} sont peut-être perdues."
        )
    out.append("Nous ne savons pas si ces données seront utilisées. Nous préférons vous prévenir.")
    return out


def _items(text: str) -> list[str]:
    parts = [part.strip(" .-•\t") for part in re.split(r"[;\n]+", text)]
    return [cap(part) + "." for part in parts if part]


def measures(view: View) -> list[str]:
    """What was done, each item licensed by a recorded action; the user's own notes quoted as theirs."""
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
    if view.restored and "availability" in view.types and not avail.get("permanent_loss"):
        if avail.get("backup"):
            out.append("Nous avons remis nos données en place grâce à nos copies de sauvegarde.")
        else:
            out.append("Nos données sont de nouveau disponibles.")
    taken = view.narrative("measures_taken")
    if taken:
        out.append(f"Notre équipe a noté les mesures prises : {quoted(taken)}.")
    planned = view.narrative("measures_planned")
    if planned:
        out.append(f"Elle a noté ce qui est prévu : {quoted(planned)}.")
    if len(out) <= 1:
        stopped = view.ended_at is not None or view.ongoing is False
        out.append(
            "Nous travaillons à éviter qu'il se reproduise."
            if stopped
            else "Nous travaillons à arrêter l'incident et à éviter qu'il se reproduise."
        )
    return out


def measures_formal(view: View) -> list[str]:
    """The measures as the organisation recorded them, for a professional reader (falls back on ``measures``)."""
    taken = _items(view.narrative("measures_taken"))
    planned = [f"Envisagé : {item[0].lower()}{item[1:]}" for item in _items(view.narrative("measures_planned"))]
    return taken + planned or measures(view)


def advice(view: View) -> list[str]:
    cats = set(view.categories)
    out = [
        f"Méfiez-vous des appels, e-mails ou SMS qui parlent {yours(view, 'de vos soins', 'des soins de votre enfant')}. "
        "Même s'ils semblent venir de nous ou de l'Assurance Maladie.",
        "Ne donnez jamais vos codes, vos mots de passe ou vos données de carte. Nous ne vous les demanderons jamais.",
        "Ne cliquez pas sur le lien d'un message qui vous semble bizarre.",
    ]
    if cats & {"financial", "payment_card"}:
        out.append("Surveillez vos relevés de compte. Au moindre doute, appelez votre banque.")
    if "payment_card" in cats:
        out.append("Faites opposition à votre carte si vous voyez un achat que vous n'avez pas fait.")
    if "credentials" in cats:
        out.append(
            yours(
                view,
                "Changez votre mot de passe. Changez-le aussi sur les sites où vous utilisez le même.",
                "Changez son mot de passe. Changez-le aussi sur les sites où il utilise le même.",
            )
        )
    if cats & {"national_id", "official_id"}:
        out.append(
            f"Si quelqu'un utilise {yours(view, 'votre identité', CHILD_IDENTITY)}, portez plainte. "
            "Prévenez aussi votre banque."
        )
    if cats & SENSITIVE and hostile(view):
        out.append(
            "Si quelqu'un vous menace ou vous demande de l'argent, ne payez pas. Gardez le message et portez plainte."
        )
    if view.facts.get("availability", {}).get("impact_on_care"):
        out.append("S'il vous manque un rendez-vous ou un résultat, appelez-nous.")
    out.append("Pour savoir comment réagir à une arnaque, allez sur le site cybermalveillance.gouv.fr.")
    return out


# The origin as the object of « ayant pour origine » (with its article).
ORIGIN_PHRASES = {
    "ransomware": "un rançongiciel",
    "malware": "un logiciel malveillant",
    "hacking": "un piratage",
    "credential_stuffing": "une attaque par bourrage d'identifiants",
    "phishing": "un hameçonnage",
    "social_engineering": "une usurpation d'identité",
    "insider_misuse": "un accès abusif par une personne interne",
    "lost_device": "la perte d'un appareil",
    "stolen_device": "le vol d'un appareil",
    "lost_paper": "la perte de documents papier",
    "stolen_paper": "le vol de documents papier",
    "misdirected_email": "un courriel envoyé au mauvais destinataire",
    "misdirected_post": "un courrier envoyé au mauvais destinataire",
    "wrong_recipient_other": "une transmission au mauvais destinataire",
    "accidental_publication": "une publication involontaire",
    "improper_disposal": "une mise au rebut sans destruction",
    "system_failure": "une panne ou une défaillance technique",
    "processor_incident": "un incident chez un sous-traitant",
    "other": "une cause encore indéterminée",
}


def summary_formal(view: View) -> str:
    """One formal paragraph: nature, origin, dates, persons and data (for the Ordre, the insurer, a client)."""
    origin = ORIGIN_PHRASES.get(view.origin, ORIGIN_PHRASES["other"])
    text = (
        f"Il s'agit {de(view.nature_phrase())}, "
        f"ayant pour origine {origin}. "
        f"Elle concerne {view.persons_text()} et les données suivantes : {view.categories_label() or 'non précisées'}."
    )
    description = view.narrative("description")
    return f"{text} {description}" if description else text
