"""The other documents of a breach: Ordre, ARS / CERT Santé, insurer, processor's notice, register extract
(GDPR art. 33(5)). The complaint file is ``complaint.py``.
"""

from __future__ import annotations

from typing import Any

from vigie.risk import AXIS_LEVEL_LABELS_FR, CONTROLLER_KIND_LABELS_FR, STATUS_LABELS_FR

from ..address import format_address, wrap
from ..templating import blocks, context, text_for
from .cnil import cause, consequences
from .common import (
    Document,
    Section,
    View,
    bullets,
    doc,
    fields_known,
    fld,
    h,
    long_date,
    moment_text,
    p,
    parse,
    todo,
    working_days_after,
)
from .grammar import cap, hours, unnested
from .places import departement, of_departement, region

TO_COMPLETE = "ADRESSE A COMPLETER"


def _recipient(*lines: str, postal: int = 1) -> list[str]:
    """An institution's address block: the last ``postal`` lines are the postal address."""
    return format_address(wrap([line for line in lines if line]), postal=postal)


def _signature(view: View) -> list[str]:
    return [view.name, *view.dpo_signature()]


def _signer(view: View, *, rpps: bool = False) -> list[str]:
    """The legal representative signs for the organisation (the Ordre letter adds the practitioner's RPPS)."""
    representative = view.legal_representative()
    if not representative:
        return _signature(view)
    lines = [representative, view.name]
    if rpps and view.legal.get("rpps"):
        lines.append(f"RPPS n° {view.legal['rpps']}")
    return lines


# --- Ordre ---------------------------------------------------------------------------------------------------

ORDRES = {
    "medecins": "l'Ordre des médecins",
    "chirurgiens_dentistes": "l'Ordre des chirurgiens-dentistes",
    "sages_femmes": "l'Ordre des sages-femmes",
    "infirmiers": "l'Ordre des infirmiers",
    "masseurs_kinesitherapeutes": "l'Ordre des masseurs-kinésithérapeutes",
    "pharmaciens": "l'Ordre des pharmaciens",
    "pedicures_podologues": "l'Ordre des pédicures-podologues",
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
# The seat of the national Ordre, where its central councils sit and which forwards to a regional council.
NATIONAL_SEATS = {"pharmaciens": ["4 avenue Ruysdaël", "75379 Paris Cedex 08"]}


def council(view: View) -> str:
    """The council of the Ordre that receives the letter, from the profession, the kind of structure and the
    postcode.

    Physicians, dental surgeons, midwives, nurses and physiotherapists: the departmental council. Chiropodists:
    the regional council. Pharmacists have no departmental council: the regional council for pharmacy owners
    (section A), the central council of section G for medical biologists in a laboratory, of section H for
    pharmacists of health and medico-social establishments, of section E overseas.
    """
    profession = str(view.org.get("profession") or "")
    postcode = str(view.org.get("postcode") or "")
    kind = view.org.get("kind")
    code = departement(postcode) or ""
    name = region(postcode)
    where = REGION_OF.get(name or "", f"de {name}" if name else "(région à préciser)")
    if profession == "pharmaciens":
        if kind == "laboratoire":
            return "Conseil central de la section G de l'Ordre national des pharmaciens"
        if kind in ("etablissement_sante", "medico_social"):
            return "Conseil central de la section H de l'Ordre national des pharmaciens"
        if code.startswith("97"):
            return "Conseil central de la section E de l'Ordre national des pharmaciens"
        return f"Conseil régional de l'Ordre des pharmaciens {where}"
    if profession == "pedicures_podologues":
        return f"Conseil régional de l'Ordre des pédicures-podologues {where}"
    ordre = ORDRES.get(profession, "l'Ordre")
    return f"Conseil départemental de {ordre} {of_departement(postcode) or '(département à préciser)'}"


def council_address(view: View) -> list[str]:
    """The postal lines of the council: pre-filled where the council sits at the national Ordre (its central
    councils), or is reached through it (a regional council, named above the national seat); otherwise the
    line to complete."""
    seat = NATIONAL_SEATS.get(str(view.org.get("profession") or ""))
    if seat and council(view).startswith("Conseil central"):
        return seat
    if seat:
        return ["Ordre national des pharmaciens", *seat]
    return [TO_COMPLETE]


def ordre(view: View) -> Document:
    text, version = text_for(view, "ordre")
    name = council(view)
    postal = council_address(view)
    rpps = str(view.legal.get("rpps") or "")
    departmental = name.startswith("Conseil départemental")
    return doc(
        view,
        "ordre",
        "letter",
        f"Lettre au {name}",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient("À l'attention de la présidence", name, *postal, postal=len(postal)),
        place_date=view.place_date(),
        references=[
            ["Notre référence", view.reference],
            *(
                [["Département", departement(str(view.org.get("postcode") or "")) or "à préciser"]]
                if departmental
                else []
            ),
            ["N° RPPS", rpps or "à compléter"],
        ]
        + ([["Modèle", f"version {version}"]] if version else []),
        subject="Information sur une violation de données personnelles",
        signature=_signer(view, rpps=True),
    )


# --- ARS / CERT Santé ---------------------------------------------------------------------------------------

MANDATORY_ARS = {"etablissement_sante", "laboratoire", "centre_sante", "medico_social"}


def declarant(view: View) -> str:
    """The person declaring, with function and telephone (the form asks for both)."""
    return view.contact_person() or view.legal_representative_reachable() or ""


def handling_state(view: View) -> str:
    recorded = view.detail("handling_state")
    if view.ended_at:
        state = f"Incident maîtrisé le {long_date(view.ended_at)}."
    elif view.ongoing:
        state = "Incident en cours."
    else:
        state = ""
    return " ".join(part for part in (state, recorded) if part) or todo(
        "état de la prise en charge : en cours, maîtrisé, clos"
    )


def ars(view: View) -> Document:
    """The report of a serious IT-security incident (CSP art. L. 1111-8-2; arrêté du 30 octobre 2017), in the
    order of the form's headings: the structure and its declarant, the incident, its impacts, its causes."""
    kind = str(view.org.get("kind") or "other")
    avail = view.facts.get("availability", {})
    scope = (
        "Le signalement est obligatoire pour cette structure : CSP, art. L. 1111-8-2 et D. 1111-16-2."
        if kind in MANDATORY_ARS
        else "Le signalement est recommandé : l'accompagnement du CERT Santé est ouvert à toutes les structures de santé."
    )
    care = view.detail("care_impact") or (
        "La prise en charge des patients a été perturbée." if avail.get("impact_on_care") else ""
    )
    if avail.get("impact_on_care") is False and not care:
        care = "Aucune perturbation de la prise en charge signalée."
    systems = view.detail("systems_affected")
    restored = (
        f"Données de nouveau disponibles en {hours(float(avail['restored_within_hours']))}." if view.restored else ""
    )
    support = view.details.get("cert_support")
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
                        "À déclarer sans délai sur signalement-sante.gouv.fr, le portail de signalement des événements "
                        "sanitaires indésirables ; l'ARS et le CERT Santé, à l'Agence du numérique en santé, en sont "
                        "destinataires."
                    ),
                ],
            ),
            Section(
                "1. Structure et déclarant",
                [
                    fld("ars_name", "Raison sociale", view.name),
                    fld("ars_finess", "N° FINESS", str(view.org.get("finess") or "") or todo("numéro FINESS")),
                    fld("ars_kind", "Type de structure", cap(CONTROLLER_KIND_LABELS_FR.get(kind, "autre"))),
                    fld("ars_address", "Adresse", ", ".join(view.address_lines())),
                    fld(
                        "ars_declarant",
                        "Déclarant : nom, fonction, téléphone",
                        declarant(view) or todo("nom, fonction et téléphone du déclarant"),
                    ),
                    fld("ars_dpo", "Délégué à la protection des données", view.contact_formal()),
                ],
            ),
            Section(
                "2. L'incident",
                [
                    fld("ars_detected", "Date et heure de détection", view.detected_text() or view.aware_text()),
                    fld("ars_start", "Début de l'incident", view.occurred_text()),
                    fld("ars_type", "Type d'incident", cap(view.origin_label())),
                    fld("ars_scope", "Périmètre", view.detail("scope") or todo("sites, services et activités touchés")),
                    fld("ars_systems", "Systèmes concernés", systems or todo("serveurs, postes, logiciels touchés")),
                    fld("ars_data", "Données concernées", f"{cap(view.categories_label())} ; {view.types_label()}."),
                    fld("ars_state", "État de la prise en charge", handling_state(view)),
                    fld("ars_description", "Description", view.narrative("description") or view.title),
                ],
            ),
            Section(
                "3. Impacts",
                [
                    fld("ars_impact_data", "Sur les données", cap(view.types_label()) + "."),
                    fld(
                        "ars_impact_persons",
                        "Sur les personnes",
                        f"{cap(view.persons_text())}. {consequences(view)}".strip(),
                    ),
                    fld(
                        "ars_impact_systems",
                        "Sur les systèmes",
                        " ".join(part for part in (systems, restored) if part) or todo("effet sur les systèmes"),
                    ),
                    fld(
                        "ars_care", "Soins annulés ou reportés", care or todo("soins annulés ou reportés, ou « aucun »")
                    ),
                    fld(
                        "ars_transfers",
                        "Transferts de patients",
                        view.detail("patient_transfers") or todo("patients transférés, ou « aucun »"),
                    ),
                    fld(
                        "ars_structure",
                        "Sur le fonctionnement de la structure",
                        view.detail("structure_impact") or todo("mode dégradé, fermeture, report d'activité"),
                    ),
                    fld(
                        "ars_others",
                        "Autres structures touchées",
                        str(view.breach.get("processor_name") or "") or "Aucune connue.",
                    ),
                ],
            ),
            Section(
                "4. Causes",
                [
                    fld("ars_cause", "Cause", cause(view)),
                    fld(
                        "ars_malicious",
                        "Origine malveillante",
                        {True: "Oui.", False: "Non.", None: "Indéterminée."}[view.malicious],
                    ),
                    fld(
                        "ars_vector",
                        "Vecteur d'attaque",
                        view.detail("attack_vector") or todo("vecteur d'attaque ou cause technique, si connu"),
                    ),
                ],
            ),
            Section(
                "5. Mesures",
                [
                    fld("ars_measures", "Mesures prises", view.narrative("measures_taken")),
                    fld("ars_planned", "Mesures envisagées", view.narrative("measures_planned")),
                    fld(
                        "ars_support",
                        "Demande d'accompagnement par le CERT Santé",
                        {True: "Oui.", False: "Non.", None: todo("oui ou non")}[support],
                    ),
                ],
            ),
            Section(
                "6. Autres déclarations",
                [fld("ars_cnil", "CNIL", view.cnil_status()), fld("ars_complaint", "Plainte", view.complaint_status())],
            ),
        ],
        subtitle=f"Agence régionale de santé et CERT Santé · violation {view.reference}",
        references=[["Référence interne", view.reference]],
    )


# --- Insurer and processor ----------------------------------------------------------------------------------


def insurer(view: View) -> Document:
    text, version = text_for(view, "insurer")
    enclosures = []
    if view.done_at("police_complaint"):
        enclosures.append("Récépissé de dépôt de plainte")
    if view.done_at("notify_cnil"):
        enclosures.append("Copie de la notification à la CNIL et de son récépissé")
    return doc(
        view,
        "insurer",
        "letter",
        "Déclaration de sinistre cyber",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient("Service sinistres", "Votre assureur", TO_COMPLETE),
        place_date=view.place_date(),
        references=[
            ["Notre référence", view.reference],
            ["Contrat n°", "à compléter"],
            ["Délai de déclaration", f"au moins jusqu'au {long_date(working_days_after(view.aware_at, 5))}"],
        ]
        + ([["Modèle", f"version {version}"]] if version else []),
        subject="Déclaration de sinistre : violation de données personnelles",
        signature=_signer(view),
        enclosures=enclosures,
    )


def processor_notice(view: View) -> Document:
    text, version = text_for(view, "processor-notice")
    return doc(
        view,
        "processor-notice",
        "letter",
        "Notification d'une violation au responsable de traitement",
        [Section("", blocks(text, context(view)))],
        recipient=_recipient("À l'attention du responsable", "de traitement et de son DPO", TO_COMPLETE),
        place_date=view.place_date(),
        references=[["Notre référence", view.reference]] + ([["Modèle", f"version {version}"]] if version else []),
        subject="Violation de données personnelles — article 33, paragraphe 2, du RGPD",
        signature=_signature(view),
    )


# --- Register extract ---------------------------------------------------------------------------------------


def status_label(item: dict[str, Any]) -> str:
    """How the register qualifies a formality: a complaint is never « obligatoire »; with a deadline, it is the
    insurer's condition for compensation (C. assur. L. 12-10-1)."""
    if item["id"] == "police_complaint" and item["status"] != "not_applicable":
        if item["status"] == "required" or item.get("due"):
            return "recommandé, condition de l'indemnisation par l'assureur"
        return STATUS_LABELS_FR["recommended"]
    return STATUS_LABELS_FR.get(item["status"], item["status"])


# Titles the register gives to the formalities where the core's own would name the wrong body.
REGISTER_TITLES = {"ordre": "Informer le conseil de l'Ordre"}


def register_extract(view: View) -> Document:
    """One breach as the register documents it (art. 33(5)): facts, effects, remedial action, reasoning."""
    reasons = [
        cap(unnested(f"{r['text']} — {r['basis']}" if r.get("basis") else r["text"]))
        for r in view.assessment.get("reasons", [])
    ]
    obligations = []
    for item in view.d.get("obligations", []):
        if item["status"] == "not_applicable" and not item.get("done_at"):
            continue
        line = f"{REGISTER_TITLES.get(item['id'], item['title'])} : {status_label(item)}"
        if item.get("due"):
            line += f", échéance {moment_text(parse(item['due']))}"  # type: ignore[arg-type]
        if item.get("done_at"):
            line += f" ; fait le {long_date(parse(item['done_at']))}"  # type: ignore[arg-type]
        if item.get("reference"):
            line += f", référence {item['reference']}"
        if item.get("delay_reasons"):
            line += f" ; motifs du retard : {item['delay_reasons']}"
        obligations.append(line)
    axes = view.assessment.get("axes") or {}
    decision = [
        fld("risk", "Risque pour les personnes", cap(view.risk_label())),
        *fields_known(
            ("likelihood", "Vraisemblance", cap(AXIS_LEVEL_LABELS_FR.get(str(axes.get("likelihood")), ""))),
            ("axis_severity", "Gravité", cap(AXIS_LEVEL_LABELS_FR.get(str(axes.get("severity")), ""))),
        ),
        fld("severity", "Score ENISA, à titre de contrôle", cap(view.severity_text())),
        fld("notify", "Notification à la CNIL", "Oui" if view.decision.get("notify_authority") else "Non"),
        fld("inform", "Information des personnes", "Oui" if view.decision.get("notify_data_subjects") else "Non"),
    ]
    if view.decision.get("overruled"):
        decision.append(
            fld("overruled", "Décision du délégué, en lieu du calcul", str(view.decision.get("justification") or ""))
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
                    fld("nature", "Nature", cap(view.types_label())),
                    fld("origin", "Origine", cap(view.origin_label())),
                    fld("description", "Description", view.narrative("description")),
                    fld("persons", "Personnes concernées", cap(view.persons_text())),
                    fld("data", "Données concernées", cap(view.categories_label())),
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
            Section("6. Chronologie des faits", [bullets(view.chronology_lines())]),
        ],
        subtitle=f"Violation {view.reference} — documentation tenue en application de l'article 33, paragraphe 5, du RGPD",
        references=[
            ["Référence", view.reference],
            [
                "Statut",
                {"draft": "en cours de déclaration", "assessed": "évaluée", "closed": "clôturée"}.get(
                    str(view.breach.get("status")), "—"
                ),
            ],
        ],
    )
