"""The CNIL notification (GDPR art. 33): every item of the CNIL's online form, in the form's order.

The same sections feed the PDF/DOCX dossier and the copy assistant page (one text per field of the online
form, with a copy button). Sections follow the form as described in the regulatory brief §5.2; the minimum
content of art. 33(3)(a)–(d) is marked in the titles, and the reasons for a late notification (33(1)) appear
whenever the 72 hours are past.
"""

from __future__ import annotations

from vigie.risk import (
    AXIS_LEVEL_LABELS_FR,
    AXIS_LEVELS,
    CONTROLLER_KIND_LABELS_FR,
    IDENTIFIABILITY_LABELS_FR,
    PROTECTION_LABELS_FR,
)
from vigie.risk.french import integer

from .common import (
    DONE_WORDS,
    Block,
    Document,
    Section,
    View,
    bullets,
    doc,
    fields_known,
    fld,
    long_date,
    moment_text,
    p,
    todo,
)
from .grammar import cap, count_of, join, lower_first, named_person

INTERNAL = {
    "insider_misuse", "lost_device", "lost_paper", "misdirected_email", "misdirected_post",
    "wrong_recipient_other", "accidental_publication", "improper_disposal", "system_failure",
}  # fmt: skip
EXTERNAL = {
    "ransomware", "malware", "hacking", "credential_stuffing", "phishing", "social_engineering",
    "stolen_device", "stolen_paper", "processor_incident",
}  # fmt: skip
FRAUD_PRONE = {"national_id", "official_id", "financial", "payment_card", "credentials"}
SENSITIVE = {"health", "genetic", "biometric", "sexual_life", "racial_ethnic", "political_religious", "criminal"}


# The CNIL's online service for breach notifications (the form that the copy assistant follows).
TELESERVICE_URL = "https://notifications.cnil.fr/notifications/index"


def band(count: int | None) -> str:
    """The CNIL form's bands for the number of persons."""
    if count is None:
        return "Inconnu à ce stade"
    for ceiling, label in ((5, "0 à 5"), (50, "6 à 50"), (300, "51 à 300"), (5000, "301 à 5 000")):
        if count <= ceiling:
            return label
    return "Plus de 5 000"


def cause(view: View) -> str:
    where = "Interne" if view.origin in INTERNAL else "Externe" if view.origin in EXTERNAL else "Inconnue"
    if view.origin == "processor_incident":
        where = "Externe (chez un sous-traitant)"
    how = {True: "acte malveillant", False: "accident ou erreur", None: "caractère malveillant non déterminé"}
    return f"{where} ; {how[view.malicious]}."


def consequences(view: View) -> str:
    """The CNIL form's likely consequences, for the types of breach recorded (each worded as a possibility)."""
    parts = []
    conf = view.facts.get("confidentiality", {})
    if "confidentiality" in view.types:
        spread = "diffusion hors de contrôle" if conf.get("published") else "diffusion possible hors de contrôle"
        parts.append(
            f"Confidentialité : {spread}, croisement avec d'autres données, détournement à des fins malveillantes."
        )
    if "integrity" in view.types:
        parts.append("Intégrité : utilisation possible de données inexactes ou modifiées, y compris pour les soins.")
    if "availability" in view.types:
        care = (
            ", y compris la prise en charge des patients"
            if view.facts.get("availability", {}).get("impact_on_care")
            else ""
        )
        parts.append(f"Disponibilité : service rendu inaccessible ou perturbé{care}.")
    narrative = view.narrative("consequences")
    return " ".join(parts + ([narrative] if narrative else []))


def harms(view: View) -> list[str]:
    """The recital 85 damages that the recorded facts make possible (never stated as having happened)."""
    cats = set(view.categories)
    avail = view.facts.get("availability", {})
    disclosed = "confidentiality" in view.types
    out = []
    if disclosed:
        out.append("Perte de contrôle des personnes sur leurs données.")
        if cats & {"health", "genetic"}:
            out.append("Atteinte possible à la confidentialité de données couvertes par le secret médical.")
        if cats & FRAUD_PRONE or cats >= {"identity", "birth_date"}:
            out.append("Usurpation d'identité ou fraude.")
        if cats & {"financial", "payment_card", "credentials"}:
            out.append("Perte financière.")
        if cats & SENSITIVE:
            out.append("Discrimination, atteinte à la réputation, chantage.")
    if avail.get("impact_on_care"):
        out.append("Dommage physique possible : soins retardés ou perturbés.")
    if avail.get("permanent_loss"):
        out.append("Perte définitive de données utiles aux soins.")
    if not out and "availability" in view.types:
        out.append("Indisponibilité temporaire des données, sans autre effet connu à ce stade.")
    if not out and "integrity" in view.types:
        out.append("Utilisation possible de données inexactes.")
    return out


# The CNIL form's « gravité » levels that agree with each decision: persons informed of a high risk, the CNIL
# notified of a risk, or the breach kept in the register only.
SEVERITY_BANDS = {
    "inform": ("significant", "maximum"),
    "notify": ("limited", "significant"),
    "register": ("negligible", "negligible"),
}


def declared_severity(view: View) -> str:
    """The severity declared on the CNIL form (négligeable, limitée, importante, maximale).

    It is the severity axis of the assessment (the worst feared event's), kept within the levels that agree
    with the decision as it stands, the DPO's overruling included: a breach the persons are told of is at
    least « importante », one notified to the CNIL alone at most « importante », one kept in the register
    « négligeable ». Without the axis (an assessment made before it existed), the band's first level.
    """
    if view.decision.get("notify_data_subjects"):
        low, high = SEVERITY_BANDS["inform"]
    elif view.decision.get("notify_authority"):
        low, high = SEVERITY_BANDS["notify"]
    else:
        low, high = SEVERITY_BANDS["register"]
    axis = str((view.assessment.get("axes") or {}).get("severity") or low)
    level = AXIS_LEVELS.index(axis) if axis in AXIS_LEVELS else AXIS_LEVELS.index(low)
    level = min(max(level, AXIS_LEVELS.index(low)), AXIS_LEVELS.index(high))
    return cap(AXIS_LEVEL_LABELS_FR[AXIS_LEVELS[level]])


def channel_text(view: View) -> str:
    """By which means the persons were told: Vigie's campaigns, and what the user recorded."""
    words = {"email": "par courriel", "letter": "par courrier", "sms": "par SMS"}
    parts = [
        f"{words[channel]}, {count_of(view.channels[channel], 'personne', 'personnes', feminine=True)}"
        for channel in ("email", "letter", "sms")
        if view.channels.get(channel)
    ]
    recorded = view.detail("persons_channel") or str(view.obligation("inform_persons").get("note") or "").strip()
    text = cap(join(parts, "et")) + "." if parts else ""
    if recorded:
        text = f"{text} {cap(recorded.rstrip('.'))}.".strip()
    return text


def persons_informed(view: View) -> tuple[str, str]:
    """The form's answer on informing the persons (art. 34), and its details."""
    done = view.done_at("inform_persons")
    if done:
        how = channel_text(view) or todo("moyen utilisé pour informer les personnes")
        return "Oui, les personnes ont été informées", f"Le {long_date(done)}. {how}"
    if view.decision.get("notify_data_subjects"):
        channel = view.decision.get("data_subjects_channel")
        how = (
            "par une communication publique, art. 34(3)(c)"
            if channel == "public"
            else "individuellement, par courrier, courriel ou SMS"
        )
        return "Non, mais elles le seront", f"Les personnes seront informées {how}, dans les meilleurs délais."
    if view.suspected:
        return (
            "Non déterminé pour le moment",
            "La violation n'est pas encore confirmée : la décision d'informer les personnes sera prise au vu des "
            "résultats de l'analyse en cours.",
        )
    protection = view.facts.get("data", {}).get("protection")
    if protection == "encrypted":
        why = "Les données sont inintelligibles pour toute personne non autorisée grâce au chiffrement, art. 34(3)(a)."
    elif view.facts.get("mitigation", {}).get("high_risk_neutralised"):
        why = "Les mesures prises ensuite rendent le risque élevé improbable, art. 34(3)(b)."
    else:
        why = f"La violation n'engendre pas de risque élevé pour les personnes : {view.risk_label()}."
    return "Non, elles ne le seront pas", why


def others_informed(view: View) -> str:
    """Other bodies informed: only those actually informed, each with its date."""
    done = [
        f"{DONE_WORDS[oid]} le {long_date(when)}"
        for oid in ("ars_cert_sante", "nis2_early_warning", "cybermalveillance", "ordre")
        if (when := view.done_at(oid)) is not None
    ]
    return cap(join(done)) + "." if done else "Aucun à ce jour."


def missing(view: View) -> list[str]:
    """What is still unknown: a notification without them is initial, to be completed later (art. 33(4))."""
    out = []
    if view.suspected:
        out.append("la confirmation de la violation")
    if view.occurred_at is None:
        out.append("la date de début")
    if view.ended_at is None:
        out.append("la date de fin" if not view.ongoing else "la fin de la violation, toujours en cours")
    persons = view.facts.get("persons", {})
    if persons.get("count_is_estimate"):
        out.append("le nombre exact de personnes")
    if view.breach.get("records_count") is None:
        out.append("le nombre d'enregistrements")
    if view.facts.get("confidentiality", {}).get("exfiltration") in ("unknown", "likely"):
        out.append("l'éventuelle copie des données")
    return out


def notification_type(view: View, complementary: bool) -> str:
    if complementary:
        return "Notification complémentaire"
    return "Notification initiale" if missing(view) else "Notification complète"


def sections(view: View, *, complementary: bool = False, annex: bool = False) -> list[Section]:
    """The form's sections in order. With ``annex`` (the PDF and DOCX dossier), the copy of the message to the
    persons is laid out in an annex at the end rather than as one long field (the copy assistant's)."""
    org = view.org
    initial_ref = view.cnil_reference()
    type_blocks = [fld("type", "Type de notification", notification_type(view, complementary))]
    unknown = missing(view)
    if complementary:
        type_blocks.append(
            fld(
                "initial_reference",
                "Référence de la notification initiale",
                initial_ref or todo("numéro du récépissé de la notification initiale"),
            )
        )
    elif unknown:
        type_blocks.append(
            p(f"Éléments encore inconnus, transmis dans une notification complémentaire, art. 33(4) : {join(unknown)}.")
        )

    timeline_blocks = [
        fld(
            "established",
            "Violation avérée ou suspectée",
            "Violation suspectée." if view.suspected else "Violation avérée.",
        ),
        fld(
            "ongoing",
            "La violation est-elle toujours en cours ?",
            {True: "Oui.", False: "Non.", None: "Inconnu à ce stade."}[
                view.ongoing if view.ended_at is None else False
            ],
        ),
        fld("start", "Date de début de la violation", view.occurred_text()),
        *fields_known(("detection", "Date de détection de l'incident", view.detected_text())),
        fld("awareness", "Date et heure de la prise de connaissance", view.aware_text()),
        *fields_known(
            (
                "processor_informed",
                "Date à laquelle le sous-traitant a informé le responsable",
                view.processor_informed_text(),
            )
        ),
        fld("end", "Date de fin de la violation", view.ended_text()),
        fld("discovery", "Circonstances de la découverte", view.narrative("awareness_note")),
    ]
    if view.cnil_late():
        deadline = view.cnil_deadline()
        reasons = view.delay_reasons() or todo(
            "la notification intervient plus de 72 heures après la prise de connaissance ; exposez les motifs du retard"
        )
        timeline_blocks.append(
            fld(
                "delay_reasons",
                "Motifs du retard, RGPD art. 33(1)",
                f"Délai de 72 heures expiré le {moment_text(deadline)}. {reasons}" if deadline else reasons,
            )
        )

    persons = view.facts.get("persons", {})
    data = view.facts.get("data", {})
    informed, informed_details = persons_informed(view)
    legal = view.legal

    information_blocks = [
        fld("informed", "Les personnes ont-elles été informées ?", informed),
        fld("informed_details", "Précisions", informed_details),
    ]
    message_label = (
        "Copie du message adressé aux personnes"
        if view.done_at("inform_persons")
        else "Projet de message aux personnes"
    )
    with_message = bool(view.done_at("inform_persons") or view.decision.get("notify_data_subjects"))
    if with_message:
        information_blocks.append(fld("message_copy", message_label, "En annexe." if annex else persons_message(view)))

    others = [
        fld("complaint", "Plainte", view.complaint_status()),
        fld("other_authorities", "Autres autorités ou organismes informés", others_informed(view)),
        fld(
            "cross_border",
            "Aspects transfrontaliers",
            "Aucune personne résidant dans un autre État de l'Union européenne n'a été identifiée à ce stade ; "
            "la notification est adressée à la seule CNIL. À confirmer avant l'envoi.",
        ),
    ]

    out = [
        Section("1. Type de notification", type_blocks, id="type"),
        Section(
            "2. Organisme",
            [
                fld("org_name", "Raison sociale", view.name),
                fld("org_siren", "SIREN", view.siren()),
                *fields_known(
                    ("org_siret", "SIRET", str(org.get("siret") or "")),
                    ("org_finess", "FINESS", str(org.get("finess") or "")),
                ),
                fld(
                    "org_sector",
                    "Secteur d'activité",
                    "Santé : " + CONTROLLER_KIND_LABELS_FR.get(str(org.get("kind")), "autre"),
                ),
                fld("org_address", "Adresse", ", ".join(view.address_lines())),
                fld("org_role", "Qualité", "Sous-traitant" if view.is_processor() else "Responsable de traitement"),
            ],
            id="organisation",
        ),
        Section(
            "3. Représentant légal",
            [
                fld(
                    "legal_name",
                    "Nom",
                    named_person(str(legal["name"]), str(legal["civility"])) or todo("nom du représentant légal"),
                ),
                fld(
                    "legal_function", "Fonction", cap(str(legal["function"])) or todo("fonction du représentant légal")
                ),
                *fields_known(
                    ("legal_email", "Courriel", str(legal["email"])), ("legal_phone", "Téléphone", str(legal["phone"]))
                ),
            ],
            id="legal",
        ),
        Section(
            "4. Délégué à la protection des données et personne à contacter, RGPD art. 33(3)(b)",
            [
                fld("dpo", "Délégué à la protection des données", view.contact_formal()),
                fld(
                    "contact",
                    "Personne à contacter : nom, fonction, téléphone",
                    view.contact_person()
                    or todo("nom, fonction et téléphone de la personne à contacter, si ce n'est pas le délégué"),
                ),
            ],
            id="contact",
        ),
        Section("5. Chronologie", timeline_blocks, id="timeline"),
        Section(
            "6. Origine de l'incident",
            [fld("origin", "Origine", cap(view.origin_label()) + ".")],
            id="origin",
        ),
        Section(
            "7. Nature de la violation, RGPD art. 33(3)(a)",
            [
                fld("nature", "Nature", cap(view.types_label()) + "."),
                fld("description", "Description de la violation", view.narrative("description") or view.title),
            ],
            id="nature",
        ),
        Section("8. Cause", [fld("cause", "Cause de l'incident", cause(view))], id="cause"),
        Section(
            "9. Sous-traitants",
            [
                fld(
                    "processors",
                    "Sous-traitant impliqué",
                    str(view.breach.get("processor_name") or "")
                    or "Aucun sous-traitant impliqué à notre connaissance.",
                )
            ],
            id="processors",
        ),
        Section(
            "10. Personnes concernées, RGPD art. 33(3)(a)",
            [
                fld("person_categories", "Catégories de personnes", cap(view.person_categories_label()) + "."),
                fld("persons_count", "Nombre approximatif de personnes", cap(view.persons_text()) + "."),
                fld("persons_band", "Tranche", band(persons.get("count"))),
                fld(
                    "identifiable",
                    "Identification des personnes",
                    "Identification "
                    + IDENTIFIABILITY_LABELS_FR.get(str(data.get("identifiability")), "non précisée")
                    + ".",
                ),
            ],
            id="persons",
        ),
        Section(
            "11. Données concernées, RGPD art. 33(3)(a)",
            [
                fld("data_categories", "Catégories de données", cap(view.categories_label()) + "."),
                fld("records_count", "Nombre approximatif d'enregistrements", cap(view.records_text()) + "."),
                fld("medium", "Support des données", view.medium_text()),
                fld(
                    "protection",
                    "Protection des données",
                    cap(PROTECTION_LABELS_FR.get(str(data.get("protection")), "non précisée")) + ".",
                ),
            ],
            id="data",
        ),
        Section(
            "12. Conséquences probables, RGPD art. 33(3)(c)",
            [fld("consequences", "Conséquences probables pour les personnes", consequences(view))],
            id="consequences",
        ),
        Section(
            "13. Préjudice potentiel et gravité",
            [
                bullets(harms(view)),
                fld("severity", "Gravité", declared_severity(view) + "."),
                p(f"Analyse de risque : {view.risk_label()}."),
            ],
            id="harm",
        ),
        Section(
            "14. Mesures prises ou envisagées, RGPD art. 33(3)(d)",
            [
                fld("measures_taken", "Mesures prises, immédiates et de remédiation", view.narrative("measures_taken")),
                fld(
                    "measures_planned",
                    "Mesures envisagées pour éviter que l'incident se reproduise",
                    view.narrative("measures_planned"),
                ),
            ],
            id="measures",
        ),
        Section("15. Information des personnes concernées, RGPD art. 34", information_blocks, id="information"),
        Section("16. Autres démarches", others, id="others"),
    ]
    if complementary:
        out.append(
            Section(
                "17. Éléments nouveaux depuis la notification initiale, RGPD art. 33(4)",
                [news_block(view)],
                id="news",
            )
        )
    if annex and with_message:
        out.append(Section(f"Annexe : {lower_first(message_label)}", persons_message_blocks(view), id="annex"))
    return out


def news_block(view: View) -> Block:
    """What happened since the initial notification: dated facts and formalities, not the application's log."""
    notified = view.done_at("notify_cnil")
    news = [f"{long_date(at)} : {what}." for at, what in view.chronology() if notified is not None and at > notified]
    return bullets(news) if news else p(todo("éléments nouveaux depuis la notification initiale"))


def persons_message(view: View) -> str:
    """The text of the message to the persons, as Vigie composes it (letter, or the public notice)."""
    from .persons import message_text

    return message_text(view)


def persons_message_blocks(view: View) -> list[Block]:
    from .persons import message_blocks

    return message_blocks(view)


def notification(view: View, *, complementary: bool = False) -> Document:
    kind = "cnil-complementary" if complementary else "cnil-initial"
    title = "Notification complémentaire à la CNIL" if complementary else "Notification initiale à la CNIL"
    if not complementary and not missing(view):
        title = "Notification complète à la CNIL"
    persons = view.facts.get("persons", {}).get("count")
    return doc(
        view,
        kind,
        "report",
        title,
        sections(view, complementary=complementary, annex=True),
        subtitle=f"Violation de données personnelles {view.reference} — {view.title}",
        references=[
            ["Référence interne", view.reference],
            ["Prise de connaissance", view.aware_text()],
            ["Personnes concernées", integer(int(persons)) if persons is not None else "inconnu"],
        ]
        + ([["Récépissé CNIL", view.cnil_reference()]] if view.cnil_reference() else []),
        footnote=(
            "Dossier préparé pour le téléservice de notification des violations de la CNIL : chaque "
            "rubrique reprend une section du formulaire en ligne."
        ),
    )
