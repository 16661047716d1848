"""The other documents of a breach: complaint file, Ordre, ARS / CERT Santé, insurer, processor's notice,
register extract (GDPR art. 33(5)).
"""

from __future__ import annotations

from datetime import timedelta

from vigie.risk import CONTROLLER_KIND_LABELS_FR, STATUS_LABELS_FR

from ..address import format_address, wrap
from ..templating import blocks, context, text_for
from .cnil import cause, consequences, harms
from .common import Document, Section, View, bullets, doc, fld, h, long_date, moment_text, p, parse
from .places import departement, of_departement, region

TO_COMPLETE = "ADRESSE A COMPLETER"

# Code pénal: the offences a complaint may name, by origin (the prosecutor decides the qualification).
OFFENCES = {
    "hacking": ["Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)"],
    "ransomware": [
        "Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)",
        "Entrave au fonctionnement d'un système (art. 323-2)",
        "Extraction et modification frauduleuses de données (art. 323-3)",
        "Extorsion, si une rançon est demandée (art. 312-1)",
    ],
    "malware": [
        "Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)",
        "Détention ou diffusion d'un programme conçu pour commettre ces atteintes (art. 323-3-1)",
    ],
    "credential_stuffing": [
        "Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)"
    ],
    "phishing": [
        "Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)",
        "Escroquerie ou tentative d'escroquerie (art. 313-1)",
    ],
    "social_engineering": [
        "Usurpation d'identité (art. 226-4-1)",
        "Escroquerie ou tentative d'escroquerie (art. 313-1)",
    ],
    "stolen_device": ["Vol (art. 311-1)"],
    "stolen_paper": ["Vol (art. 311-1)"],
    "insider_misuse": ["Accès ou maintien frauduleux dans un système de traitement automatisé de données (art. 323-1)"],
}
EVIDENCE = {
    "ransomware": ["Note ou écran de demande de rançon (photo ou capture, sans payer ni répondre)"],
    "phishing": ["Message d'hameçonnage reçu, avec ses en-têtes complets"],
    "social_engineering": ["Enregistrement ou notes des appels et messages de l'usurpateur"],
    "stolen_device": ["Inventaire de l'appareil volé (modèle, numéro de série, chiffrement)"],
    "stolen_paper": ["Liste des documents volés"],
    "credential_stuffing": ["Liste des comptes touchés et adresses IP des connexions suspectes"],
}


def _recipient(*lines: str) -> list[str]:
    """An institution's address block: only the last line (the address to complete) is postal."""
    return format_address(wrap([line for line in lines if line]), postal=1)


def _signature(view: View) -> list[str]:
    return [view.name] + ([view.dpo["name"]] if view.dpo["name"] else [])


# --- Police complaint ------------------------------------------------------------------------------------------


def complaint(view: View) -> Document:
    """A complaint file to take to the police or gendarmerie, or to send to the public prosecutor."""
    insured = bool(view.org.get("cyber_insurance"))
    insurance_deadline = view.aware_at + timedelta(hours=72)
    offences = OFFENCES.get(view.origin, ["Qualification à apprécier par les enquêteurs"])
    if set(view.categories) & {"health", "genetic"} and view.origin in OFFENCES:
        offences = [*offences, "Atteinte au secret des données de santé des patients (à signaler aux enquêteurs)"]
    evidence = [
        *EVIDENCE.get(view.origin, []),
        "Journaux (logs) des serveurs, du pare-feu et de la messagerie, conservés en l'état",
        "Captures d'écran datées de ce qui a été constaté",
        "Liste des appareils et comptes touchés ; appareils isolés du réseau sans être éteints",
        "Rapport du prestataire informatique ou de l'expert, s'il existe",
        "Copie de la notification à la CNIL et de son récépissé",
    ]
    damages = [
        f"Atteinte aux données de {view.persons_text()} ({view.person_categories_label()}).",
        "Coûts de remise en état, d'expertise et d'information des personnes : à chiffrer.",
    ]
    avail = view.facts.get("availability", {})
    if avail.get("impact_on_care"):
        damages.append("Perturbation de la prise en charge des patients.")
    if avail.get("permanent_loss"):
        damages.append("Perte définitive de données.")
    if avail.get("restored_within_hours"):
        damages.append(
            f"Interruption de service : environ {avail['restored_within_hours']:g} heures.".replace(".", ",", 1)
        )
    insurance = (
        [
            p(
                "L'organisme est assuré contre les cyberattaques. Selon l'article L.12-10-1 du code des assurances, "
                "l'indemnisation des pertes et dommages causés par une atteinte à un système d'information est "
                "subordonnée au dépôt d'une plainte au plus tard 72 heures après la connaissance de l'atteinte."
            ),
            fld("insurance_deadline", "Date limite de dépôt de la plainte", moment_text(insurance_deadline)),
        ]
        if insured
        else [p("L'organisme n'a pas déclaré d'assurance contre les cyberattaques ; la plainte reste recommandée.")]
    )
    return doc(
        view,
        "complaint",
        "report",
        "Dossier de plainte",
        [
            Section(
                "1. Plaignant",
                [
                    fld("plaintiff", "Organisme", view.name),
                    fld("plaintiff_address", "Adresse", ", ".join(view.address_lines())),
                    fld("plaintiff_ids", "Identifiants", ", ".join(view.letterhead()["ids"])),
                    fld("plaintiff_contact", "Contact", view.contact_formal()),
                    fld("representative", "Représenté par", "À compléter (nom, qualité, pièce d'identité)."),
                ],
            ),
            Section(
                "2. Exposé des faits",
                [
                    fld(
                        "facts_origin",
                        "Nature des faits",
                        f"{view.origin_label().capitalize()} ; {view.types_label()}.",
                    ),
                    fld("facts_start", "Début des faits", view.occurred_text()),
                    fld("facts_awareness", "Constatation", view.aware_text()),
                    fld("facts_discovery", "Circonstances de la découverte", view.narrative("awareness_note")),
                    fld("facts_description", "Description", view.narrative("description") or view.title),
                    fld("facts_cause", "Cause", cause(view)),
                ],
            ),
            Section(
                "3. Chronologie",
                [bullets([f"{long_date(parse(e['at']))} : {e['summary']}" for e in view.d.get("timeline", [])])]  # type: ignore[arg-type]
                if view.d.get("timeline")
                else [p("Aucun événement consigné.")],
            ),
            Section(
                "4. Données concernées",
                [
                    fld("data_categories", "Catégories de données", view.categories_label()),
                    fld(
                        "data_persons",
                        "Personnes concernées",
                        f"{view.persons_text()} ({view.person_categories_label()})",
                    ),
                    fld("data_records", "Enregistrements", view.records_text()),
                ],
            ),
            Section(
                "5. Qualifications pénales envisagées (code pénal)",
                [
                    bullets(offences),
                    p("Sous réserve de l'appréciation des enquêteurs et du procureur de la République."),
                ],
            ),
            Section("6. Préjudice", [bullets(damages), bullets(harms(view))]),
            Section("7. Éléments de preuve joints ou conservés", [bullets(evidence)]),
            Section("8. Assurance", insurance),
            Section("9. Mesures prises", [fld("measures", "Mesures prises", view.narrative("measures_taken"))]),
        ],
        subtitle=f"Violation de données personnelles {view.reference} — à déposer au commissariat, à la gendarmerie "
        "ou à adresser au procureur de la République",
        references=[["Référence interne", view.reference], ["Constatation", view.aware_text()]],
        footnote="Porter plainte ne remplace ni la notification à la CNIL ni l'information des personnes.",
    )


# --- Ordre ---------------------------------------------------------------------------------------------------

ORDRES = {
    "medecins": "l'Ordre des médecins",
    "chirurgiens_dentistes": "l'Ordre des chirurgiens-dentistes",
    "sages_femmes": "l'Ordre des sages-femmes",
    "infirmiers": "l'Ordre des infirmiers",
    "masseurs_kinesitherapeutes": "l'Ordre des masseurs-kinésithérapeutes",
    "pharmaciens": "l'Ordre des pharmaciens",
}
REGION_OF = {
    "Auvergne-Rhône-Alpes": "d'Auvergne-Rhône-Alpes",
    "Bourgogne-Franche-Comté": "de Bourgogne-Franche-Comté",
    "Bretagne": "de Bretagne",
    "Centre-Val de Loire": "du Centre-Val de Loire",
    "Corse": "de Corse",
    "Grand Est": "du Grand Est",
    "Hauts-de-France": "des Hauts-de-France",
    "Île-de-France": "d'Île-de-France",
    "Normandie": "de Normandie",
    "Nouvelle-Aquitaine": "de Nouvelle-Aquitaine",
    "Occitanie": "d'Occitanie",
    "Pays de la Loire": "des Pays de la Loire",
    "Provence-Alpes-Côte d'Azur": "de Provence-Alpes-Côte d'Azur",
}


def council(view: View) -> str:
    """The council of the Ordre that receives the letter, from the profession and the postcode.

    Physicians, dental surgeons, midwives, nurses and physiotherapists: the departmental council. Pharmacists
    have no departmental council: the regional council (section A, pharmacy owners), or for medical biologists
    in a laboratory the central council of section G.
    """
    profession = str(view.org.get("profession") or "")
    postcode = str(view.org.get("postcode") or "")
    if profession == "pharmaciens":
        if view.org.get("kind") == "laboratoire":
            return "Conseil central de la section G de l'Ordre national des pharmaciens"
        name = region(postcode)
        where = REGION_OF.get(name or "", f"de {name}" if name else "(région à préciser)")
        return f"Conseil régional de l'Ordre des pharmaciens {where}"
    ordre = ORDRES.get(profession, "l'Ordre")
    where = of_departement(postcode) or "(département à préciser)"
    return f"Conseil départemental de {ordre} {where}"


def ordre(view: View) -> Document:
    text, version = text_for(view, "ordre")
    name = council(view)
    return doc(
        view,
        "ordre",
        "letter",
        f"Lettre au {name}",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient("À l'attention de la présidence", name, TO_COMPLETE),
        place_date=view.place_date(),
        references=[
            ["Notre référence", view.reference],
            ["Département", departement(str(view.org.get("postcode") or "")) or "à préciser"],
        ]
        + ([["Modèle", f"version {version}"]] if version else []),
        subject="Information sur une violation de données personnelles",
        signature=_signature(view),
    )


# --- ARS / CERT Santé ---------------------------------------------------------------------------------------

MANDATORY_ARS = {"etablissement_sante", "laboratoire", "centre_sante", "medico_social"}


def ars(view: View) -> Document:
    """The content of the report of a serious IT-security incident (CSP L.1111-8-2, arrêté du 30 octobre 2017)."""
    kind = str(view.org.get("kind") or "other")
    avail = view.facts.get("availability", {})
    scope = (
        "Le signalement est obligatoire pour cette structure (CSP art. L.1111-8-2 et D.1111-16-2)."
        if kind in MANDATORY_ARS
        else "Le signalement est recommandé : l'accompagnement du CERT Santé est ouvert à toutes les structures de santé."
    )
    care = "Oui : la prise en charge des patients a été perturbée." if avail.get("impact_on_care") else "Non signalé."
    return doc(
        view,
        "ars",
        "report",
        "Signalement d'incident de sécurité des systèmes d'information",
        [
            Section(
                "Cadre",
                [
                    p(scope),
                    p(
                        "À déclarer sans délai sur le portail de signalement des événements sanitaires indésirables "
                        "(signalement-sante.gouv.fr) ; l'ARS et le CERT Santé (Agence du numérique en santé) en sont "
                        "destinataires."
                    ),
                ],
            ),
            Section(
                "1. Structure déclarante",
                [
                    fld("ars_name", "Raison sociale", view.name),
                    fld("ars_finess", "N° FINESS", str(view.org.get("finess") or "")),
                    fld("ars_kind", "Type de structure", CONTROLLER_KIND_LABELS_FR.get(kind, "autre").capitalize()),
                    fld("ars_address", "Adresse", ", ".join(view.address_lines())),
                    fld("ars_contact", "Déclarant et contact", view.contact_formal()),
                ],
            ),
            Section(
                "2. Description de l'incident",
                [
                    fld("ars_detected", "Date et heure de détection", view.aware_text()),
                    fld("ars_start", "Début de l'incident", view.occurred_text()),
                    fld("ars_end", "Fin de l'incident", view.ended_text()),
                    fld("ars_type", "Type d'incident", view.origin_label().capitalize()),
                    fld(
                        "ars_malicious",
                        "Origine malveillante",
                        {True: "Oui", False: "Non", None: "Indéterminée"}[view.malicious],
                    ),
                    fld("ars_description", "Description", view.narrative("description") or view.title),
                ],
            ),
            Section(
                "3. Conséquences",
                [
                    fld("ars_care", "Impact sur la prise en charge des patients", care),
                    fld(
                        "ars_degraded",
                        "Fonctionnement en mode dégradé",
                        f"Restauration en {avail['restored_within_hours']:g} heures.".replace(".", ",", 1)
                        if avail.get("restored_within_hours")
                        else "À préciser.",
                    ),
                    fld(
                        "ars_data",
                        "Atteinte aux données",
                        f"{view.types_label().capitalize()} ; {view.categories_label()}.",
                    ),
                    fld("ars_persons", "Personnes concernées", view.persons_text().capitalize() + "."),
                    fld("ars_consequences", "Conséquences probables", consequences(view)),
                    fld(
                        "ars_others",
                        "Autres structures touchées",
                        str(view.breach.get("processor_name") or "") or "Aucune connue.",
                    ),
                ],
            ),
            Section(
                "4. Mesures",
                [
                    fld("ars_measures", "Mesures prises", view.narrative("measures_taken")),
                    fld("ars_planned", "Mesures envisagées", view.narrative("measures_planned")),
                    fld("ars_support", "Demande d'accompagnement par le CERT Santé", "À préciser (oui ou non)."),
                ],
            ),
            Section(
                "5. Autres déclarations",
                [fld("ars_cnil", "CNIL", view.cnil_status()), fld("ars_complaint", "Plainte", view.complaint_status())],
            ),
        ],
        subtitle=f"Agence régionale de santé — CERT Santé · violation {view.reference}",
        references=[["Référence interne", view.reference]],
    )


# --- Insurer and processor ----------------------------------------------------------------------------------


def insurer(view: View) -> Document:
    text, version = text_for(view, "insurer")
    return doc(
        view,
        "insurer",
        "letter",
        "Déclaration de sinistre cyber",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient("Service sinistres", "Votre assureur", TO_COMPLETE),
        place_date=view.place_date(),
        references=[["Notre référence", view.reference], ["Contrat n°", "à compléter"]]
        + ([["Modèle", f"version {version}"]] if version else []),
        subject="Déclaration de sinistre : violation de données personnelles",
        signature=_signature(view),
        enclosures=["Récépissé de dépôt de plainte", "Copie de la notification à la CNIL, le cas échéant"],
    )


def processor_notice(view: View) -> Document:
    text, version = text_for(view, "processor-notice")
    return doc(
        view,
        "processor-notice",
        "letter",
        "Notification d'une violation au responsable de traitement",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient(
            "À l'attention du responsable de traitement", "et de son délégué à la protection des données", TO_COMPLETE
        ),
        place_date=view.place_date(),
        references=[["Notre référence", view.reference]] + ([["Modèle", f"version {version}"]] if version else []),
        subject="Violation de données personnelles — article 33, paragraphe 2, du RGPD",
        signature=_signature(view),
    )


# --- Register extract ---------------------------------------------------------------------------------------


def register_extract(view: View) -> Document:
    """One breach as the register documents it (art. 33(5)): facts, effects, remedial action, reasoning."""
    reasons = [f"{r['text']} ({r.get('basis', '')})" for r in view.assessment.get("reasons", [])]
    obligations = []
    for item in view.d.get("obligations", []):
        line = f"{item['title']} — {STATUS_LABELS_FR.get(item['status'], item['status'])}"
        if item.get("due"):
            line += f", échéance {moment_text(parse(item['due']))}"  # type: ignore[arg-type]
        if item.get("done_at"):
            line += f" ; fait le {long_date(parse(item['done_at']))}"  # type: ignore[arg-type]
        if item.get("reference"):
            line += f" (réf. {item['reference']})"
        if item.get("delay_reasons"):
            line += f" ; motifs du retard : {item['delay_reasons']}"
        obligations.append(line)
    decision = [
        fld("risk", "Risque pour les personnes", view.risk_label().capitalize()),
        fld("severity", "Gravité (méthode ENISA)", view.severity_text()),
        fld("notify", "Notification à la CNIL", "Oui" if view.decision.get("notify_authority") else "Non"),
        fld("inform", "Information des personnes", "Oui" if view.decision.get("notify_data_subjects") else "Non"),
    ]
    if view.decision.get("overruled"):
        decision.append(
            fld("overruled", "Décision du délégué (en lieu du calcul)", str(view.decision.get("justification") or ""))
        )
    return doc(
        view,
        "register-extract",
        "report",
        "Extrait du registre des violations de données personnelles",
        [
            Section(
                "1. Les faits",
                [
                    fld("title", "Intitulé", view.title),
                    fld("awareness", "Prise de connaissance", view.aware_text()),
                    fld("start", "Début", view.occurred_text()),
                    fld("end", "Fin", view.ended_text()),
                    fld("nature", "Nature", view.types_label().capitalize()),
                    fld("origin", "Origine", view.origin_label().capitalize()),
                    fld("description", "Description", view.narrative("description")),
                    fld("persons", "Personnes concernées", f"{view.persons_text()} ({view.person_categories_label()})"),
                    fld("data", "Données concernées", view.categories_label()),
                ],
            ),
            Section("2. Les effets", [fld("consequences", "Conséquences", consequences(view))]),
            Section(
                "3. Les mesures prises pour y remédier",
                [
                    fld("measures_taken", "Mesures prises", view.narrative("measures_taken")),
                    fld("measures_planned", "Mesures envisagées", view.narrative("measures_planned")),
                ],
            ),
            Section("4. Décision et raisonnement", [*decision, h("Facteurs retenus"), bullets(reasons)]),
            Section("5. Formalités", [bullets(obligations) if obligations else p("Aucune formalité.")]),
            Section(
                "6. Journal",
                [bullets([f"{long_date(parse(e['at']))} : {e['summary']}" for e in view.d.get("timeline", [])])]  # type: ignore[arg-type]
                if view.d.get("timeline")
                else [p("Aucun événement consigné.")],
            ),
        ],
        subtitle=f"Violation {view.reference} — documentation tenue en application de l'article 33, paragraphe 5, du RGPD",
        references=[
            ["Référence", view.reference],
            [
                "Statut",
                {"draft": "en cours", "assessed": "évaluée", "closed": "close"}.get(
                    str(view.breach.get("status")), "—"
                ),
            ],
        ],
    )
