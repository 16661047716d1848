"""The CNIL notification (GDPR art. 33): every item of the CNIL's online form, in the form's order.

The same sections feed the PDF/DOCX dossier and the copy assistant page (one text per field of the online
form, with a copy button). Sections follow the form as described in the regulatory brief §5.2; the minimum
content of art. 33(3)(a)–(d) is marked in the titles, and the reasons for a late notification (33(1)) appear
whenever the 72 hours are past.
"""

from __future__ import annotations

from vigie.risk import CONTROLLER_KIND_LABELS_FR, IDENTIFIABILITY_LABELS_FR, PROTECTION_LABELS_FR
from vigie.risk.french import integer

from .common import Document, Section, View, bullets, doc, fld, long_date, moment_text, p, parse

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
CNIL_SEVERITY = {"low": "Négligeable", "medium": "Limité", "high": "Important", "very_high": "Maximal"}


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
    parts = []
    conf = view.facts.get("confidentiality", {})
    if "confidentiality" in view.types:
        spread = "diffusion hors de contrôle" if conf.get("published") else "diffusion possible hors de contrôle"
        parts.append(
            f"Confidentialité : {spread}, croisement avec d'autres données, détournement à des fins malveillantes."
        )
    if "integrity" in view.types:
        parts.append("Intégrité : utilisation de données inexactes ou modifiées, y compris pour les soins.")
    if "availability" in view.types:
        parts.append(
            "Disponibilité : service rendu inaccessible ou perturbé, y compris la prise en charge des patients."
        )
    narrative = view.narrative("consequences")
    return " ".join(parts + ([narrative] if narrative else []))


def harms(view: View) -> list[str]:
    """The recital 85 damages that the facts make likely."""
    cats = set(view.categories)
    out = ["Perte de contrôle des personnes sur leurs données."]
    if cats & {"health", "genetic"}:
        out.append("Perte de la confidentialité de données protégées par le secret professionnel (secret médical).")
    if cats & FRAUD_PRONE or cats >= {"identity", "birth_date"}:
        out.append("Usurpation d'identité ou fraude.")
    if cats & {"financial", "payment_card", "credentials"}:
        out.append("Perte financière.")
    if cats & SENSITIVE:
        out.append("Discrimination, atteinte à la réputation, chantage.")
    if view.facts.get("availability", {}).get("impact_on_care"):
        out.append("Dommage physique possible : soins retardés ou perturbés.")
    return out


def persons_informed(view: View) -> tuple[str, str]:
    """The form's answer on informing the persons (art. 34), and its details."""
    done = view.done_at("inform_persons")
    note = str(view.obligation("inform_persons").get("note") or "")
    if done:
        return "Oui, les personnes ont été informées", f"Le {long_date(done)}. {note}".strip()
    if view.decision.get("notify_data_subjects"):
        channel = view.decision.get("data_subjects_channel")
        how = (
            "par une communication publique (art. 34(3)(c))"
            if channel == "public"
            else "individuellement (courrier, courriel ou SMS)"
        )
        return "Non, mais elles le seront", f"Les personnes seront informées {how}, dans les meilleurs délais."
    protection = view.facts.get("data", {}).get("protection")
    if protection == "encrypted":
        why = "Les données sont inintelligibles pour toute personne non autorisée (chiffrement, art. 34(3)(a))."
    elif view.facts.get("mitigation", {}).get("high_risk_neutralised"):
        why = "Les mesures prises ensuite rendent le risque élevé improbable (art. 34(3)(b))."
    else:
        why = f"La violation n'engendre pas de risque élevé pour les personnes ({view.risk_label()})."
    return "Non, elles ne le seront pas", why


def sections(view: View, *, complementary: bool = False) -> list[Section]:
    org = view.org
    initial_ref = view.cnil_reference()
    type_text = "Notification complémentaire" if complementary else "Notification initiale"
    type_blocks = [fld("type", "Type de notification", type_text)]
    if complementary:
        type_blocks.append(
            fld(
                "initial_reference",
                "Référence de la notification initiale",
                initial_ref or "À compléter (numéro du récépissé).",
            )
        )
    else:
        type_blocks.append(
            p("Les informations manquantes seront transmises dans une notification complémentaire (art. 33(4)).")
        )

    timeline_blocks = [
        fld("established", "Violation avérée ou suspectée", "Violation avérée."),
        fld("start", "Date de début de la violation", view.occurred_text()),
        fld("awareness", "Date et heure de la prise de connaissance", view.aware_text()),
        fld("end", "Date de fin de la violation", view.ended_text()),
        fld("discovery", "Circonstances de la découverte", view.narrative("awareness_note")),
    ]
    if view.cnil_late():
        deadline = view.cnil_deadline()
        reasons = view.delay_reasons() or (
            "À compléter avant l'envoi : la notification intervient plus de 72 heures après la prise de "
            "connaissance ; exposez les motifs du retard."
        )
        timeline_blocks.append(
            fld(
                "delay_reasons",
                "Motifs du retard (RGPD art. 33(1))",
                f"Délai de 72 heures expiré le {moment_text(deadline)}. {reasons}" if deadline else reasons,
            )
        )

    persons = view.facts.get("persons", {})
    data = view.facts.get("data", {})
    informed, informed_details = persons_informed(view)
    severity = view.assessment.get("severity", {})

    others = [
        fld("complaint", "Plainte", view.complaint_status()),
        fld(
            "other_authorities",
            "Autres autorités ou organismes informés",
            "; ".join(
                f"{item['title']} : {'fait le ' + long_date(parse(item['done_at'])) if item.get('done_at') else 'à faire'}"  # type: ignore[arg-type]
                for item in view.obligations.values()
                if item["id"] in ("ars_cert_sante", "nis2_early_warning", "cybermalveillance", "ordre")
                and item["status"] != "not_applicable"
            )
            or "Aucun à ce stade.",
        ),
        fld(
            "cross_border",
            "Aspects transfrontaliers",
            "Aucune personne résidant dans un autre État de l'Union européenne n'a été identifiée à ce stade ; "
            "la notification est adressée à la seule CNIL (à confirmer avant l'envoi).",
        ),
    ]

    out = [
        Section("1. Type de notification", type_blocks, id="type"),
        Section(
            "2. Organisme et contact (RGPD art. 33(3)(b))",
            [
                fld("org_name", "Raison sociale", view.name),
                fld("org_siret", "SIRET", str(org.get("siret") or "")),
                fld("org_finess", "FINESS", str(org.get("finess") or "")),
                fld(
                    "org_sector",
                    "Secteur d'activité",
                    "Santé : " + CONTROLLER_KIND_LABELS_FR.get(str(org.get("kind")), "autre"),
                ),
                fld("org_address", "Adresse", ", ".join(view.address_lines())),
                fld("org_role", "Qualité", "Sous-traitant" if view.is_processor() else "Responsable de traitement"),
                fld("dpo", "Délégué à la protection des données ou autre point de contact", view.contact_formal()),
            ],
            id="organisation",
        ),
        Section("3. Chronologie", timeline_blocks, id="timeline"),
        Section(
            "4. Origine de l'incident",
            [fld("origin", "Origine", view.origin_label().capitalize() + ".")],
            id="origin",
        ),
        Section(
            "5. Nature de la violation (RGPD art. 33(3)(a))",
            [
                fld("nature", "Nature", view.types_label().capitalize() + "."),
                fld("description", "Description de la violation", view.narrative("description") or view.title),
            ],
            id="nature",
        ),
        Section("6. Cause", [fld("cause", "Cause de l'incident", cause(view))], id="cause"),
        Section(
            "7. Sous-traitants",
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
            "8. Personnes concernées (RGPD art. 33(3)(a))",
            [
                fld("person_categories", "Catégories de personnes", view.person_categories_label().capitalize() + "."),
                fld("persons_count", "Nombre approximatif de personnes", view.persons_text().capitalize() + "."),
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
            "9. Données concernées (RGPD art. 33(3)(a))",
            [
                fld("data_categories", "Catégories de données", view.categories_label().capitalize() + "."),
                fld("records_count", "Nombre approximatif d'enregistrements", view.records_text().capitalize() + "."),
                fld(
                    "protection",
                    "Protection des données",
                    PROTECTION_LABELS_FR.get(str(data.get("protection")), "non précisée").capitalize() + ".",
                ),
            ],
            id="data",
        ),
        Section(
            "10. Conséquences probables (RGPD art. 33(3)(c))",
            [fld("consequences", "Conséquences probables pour les personnes", consequences(view))],
            id="consequences",
        ),
        Section(
            "11. Préjudice potentiel et gravité",
            [
                bullets(harms(view)),
                fld(
                    "severity",
                    "Gravité estimée",
                    f"{CNIL_SEVERITY.get(str(severity.get('level')), 'Non évaluée')} — {view.severity_text()} ; "
                    f"{view.risk_label()}.",
                ),
            ],
            id="harm",
        ),
        Section(
            "12. Mesures prises ou envisagées (RGPD art. 33(3)(d))",
            [
                fld(
                    "measures_taken", "Mesures prises (immédiates et de remédiation)", view.narrative("measures_taken")
                ),
                fld(
                    "measures_planned",
                    "Mesures envisagées (éviter que l'incident se reproduise)",
                    view.narrative("measures_planned"),
                ),
            ],
            id="measures",
        ),
        Section(
            "13. Information des personnes concernées (RGPD art. 34)",
            [
                fld("informed", "Les personnes ont-elles été informées ?", informed),
                fld("informed_details", "Précisions", informed_details),
            ],
            id="information",
        ),
        Section("14. Autres démarches", others, id="others"),
    ]
    if complementary:
        news = [
            f"{long_date(parse(event['at']))} : {event['summary']}"  # type: ignore[arg-type]
            for event in view.d.get("timeline", [])
            if view.done_at("notify_cnil") and parse(event["at"]) > view.done_at("notify_cnil")  # type: ignore[operator]
        ]
        out.append(
            Section(
                "15. Éléments nouveaux depuis la notification initiale (RGPD art. 33(4))",
                [
                    bullets(news)
                    if news
                    else p("Aucun événement nouveau n'est consigné au journal depuis la notification initiale.")
                ],
                id="news",
            )
        )
    return out


def notification(view: View, *, complementary: bool = False) -> Document:
    kind = "cnil-complementary" if complementary else "cnil-initial"
    title = "Notification complémentaire à la CNIL" if complementary else "Notification initiale à la CNIL"
    persons = view.facts.get("persons", {}).get("count")
    return doc(
        view,
        kind,
        "report",
        title,
        sections(view, complementary=complementary),
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
