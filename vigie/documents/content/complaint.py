"""The police complaint file (C. pén.: the offences a complaint may name by origin; the evidence to bring;
the technical indicators for the investigators)."""

from __future__ import annotations

from datetime import timedelta

from .cnil import cause, harms
from .common import (
    Block,
    Document,
    Section,
    View,
    bullets,
    doc,
    fields_known,
    fld,
    h,
    moment_text,
    p,
    parse,
    todo,
)
from .grammar import cap, de, hours

# Code pénal: the offences a complaint may name, by origin; the prosecutor decides the qualification.
ACCESS = "Accès ou maintien frauduleux dans un système de traitement automatisé de données : C. pén., art. 323-1"
ACCESS_AGGRAVATED = (
    "Accès ou maintien frauduleux ayant entraîné la suppression ou la modification de données, ou l'altération "
    "du fonctionnement du système : C. pén., art. 323-1, al. 2"
)
HINDRANCE = "Entrave au fonctionnement d'un système de traitement automatisé de données : C. pén., art. 323-2"
DATA_TAMPERING = (
    "Introduction, extraction, reproduction, suppression ou modification frauduleuse de données : C. pén., art. 323-3"
)
TOOLS = "Détention ou mise à disposition d'un programme conçu pour commettre ces atteintes : C. pén., art. 323-3-1"
GANG = "Participation à un groupement formé en vue de préparer ces atteintes : C. pén., art. 323-4"
ENDANGERING = (
    "Atteinte ayant exposé autrui à un risque immédiat de mort ou de blessures graves, ou fait obstacle aux "
    "secours, à apprécier au vu de la perturbation des soins : C. pén., art. 323-4-2"
)
COLLECTION = "Collecte de données à caractère personnel par un moyen frauduleux : C. pén., art. 226-18"
DISCLOSURE = (
    "Divulgation à un tiers n'ayant pas qualité pour les recevoir de données portant atteinte à la "
    "considération ou à l'intimité de la vie privée : C. pén., art. 226-22"
)
EXTORTION = "Extorsion : C. pén., art. 312-1"
FRAUD = "Escroquerie ou tentative d'escroquerie : C. pén., art. 313-1"
IMPERSONATION = "Usurpation d'identité : C. pén., art. 226-4-1"
THEFT = "Vol : C. pén., art. 311-1"
INTRUSIONS = {"ransomware", "malware", "hacking", "credential_stuffing", "phishing", "insider_misuse"}

EVIDENCE = {
    "ransomware": ["Note ou écran de demande de rançon, en photo ou capture, sans payer ni répondre"],
    "phishing": ["Message d'hameçonnage reçu, avec ses en-têtes complets"],
    "social_engineering": ["Enregistrement ou notes des appels et messages de l'usurpateur"],
    "stolen_device": ["Inventaire de l'appareil volé : modèle, numéro de série, chiffrement"],
    "stolen_paper": ["Liste des documents volés"],
    "credential_stuffing": ["Liste des comptes touchés et adresses IP des connexions suspectes"],
}


def offences(view: View) -> list[str]:
    """The offences the recorded facts point to (never theft for a ransomware: nothing was taken away from the
    victim's possession, the data were accessed, copied or made unavailable)."""
    origin = view.origin
    conf = view.facts.get("confidentiality", {})
    copied = conf.get("exfiltration") in ("confirmed", "likely") or bool(conf.get("published"))
    altered = bool({"integrity", "availability"} & set(view.types))
    out: list[str] = []
    if origin in INTRUSIONS:
        out.append(ACCESS_AGGRAVATED if altered else ACCESS)
        if "availability" in view.types and origin in ("ransomware", "malware", "hacking"):
            out.append(HINDRANCE)
        if "integrity" in view.types or copied:
            out.append(DATA_TAMPERING)
        if origin in ("ransomware", "malware"):
            out.append(TOOLS)
        if view.detail("group_name"):
            out.append(GANG)
        if view.facts.get("availability", {}).get("impact_on_care"):
            out.append(ENDANGERING)
    if origin == "ransomware":
        demanded = view.detail("ransom_amount") or view.detail("ransom_note")
        out.append(
            f"{EXTORTION}, une rançon ayant été exigée" if demanded else f"{EXTORTION}, si une rançon a été exigée"
        )
    if origin in ("phishing", "social_engineering"):
        out += [IMPERSONATION, FRAUD]
    if origin in ("stolen_device", "stolen_paper"):
        out.append(THEFT)
    if view.malicious and copied:
        out.append(COLLECTION)
    if view.malicious and conf.get("published"):
        out.append(DISCLOSURE)
    return out


def identifiers(view: View) -> str:
    """« SIREN 123 456 789, SIRET …, FINESS … », as recorded."""
    ids = [f"SIREN {view.siren()}"] if view.org.get("siren") or view.org.get("siret") else []
    return ", ".join(ids + view.letterhead()["ids"])


# --- Police complaint ------------------------------------------------------------------------------------------

INDICATORS = (
    ("attacker_ips", "Adresses IP observées et horaires, en UTC"),
    ("ransom_note", "Texte de la note de rançon"),
    ("group_name", "Groupe revendiquant l'attaque"),
    ("onion_addresses", "Adresses en .onion"),
    ("wallet_addresses", "Adresses de portefeuilles de cryptomonnaie"),
    ("ransom_amount", "Montant demandé"),
    ("systems_affected", "Systèmes touchés"),
    ("attack_vector", "Vecteur d'attaque"),
    ("it_provider", "Prestataire informatique à contacter"),
)


def indicators(view: View) -> list[Block]:
    """The technical indicators recorded for the investigators; what they will ask for, when none is."""
    out = [fld(name, label, view.detail(name)) for name, label in INDICATORS if view.detail(name)]
    paid = view.details.get("ransom_paid")
    if paid is not None:
        out.append(fld("ransom_paid", "Rançon payée", "Oui." if paid else "Non."))
    if not out:
        wanted = "adresses IP et horaires en UTC, systèmes touchés, prestataire informatique"
        if view.origin == "ransomware":
            wanted = (
                "adresses IP et horaires en UTC, texte de la note de rançon, nom du groupe, adresses en .onion et "
                "de portefeuilles, montant demandé et s'il a été payé, systèmes touchés, prestataire informatique"
            )
        out.append(p(todo(f"éléments techniques si connus : {wanted}")))
    return out


def complaint(view: View) -> Document:
    """A complaint file to take to the police or gendarmerie, or to send to the public prosecutor."""
    insured = bool(view.org.get("cyber_insurance"))
    # The core's clock when it gives one (it runs from the detection of the attack when recorded), else 72 hours
    # from awareness (C. assur. L. 12-10-1: « connaissance de l'atteinte »).
    insurance_deadline = parse(view.obligation("police_complaint").get("due")) or (
        (view.detected_at or view.aware_at) + timedelta(hours=72)
    )
    evidence = [
        *EVIDENCE.get(view.origin, []),
        "Journaux des serveurs, du pare-feu et de la messagerie, conservés en l'état",
        "Captures d'écran datées de ce qui a été constaté",
        "Liste des appareils et comptes touchés ; appareils isolés du réseau sans être éteints",
        "Rapport du prestataire informatique ou de l'expert, s'il existe",
    ]
    if view.done_at("notify_cnil"):
        evidence.append("Copie de la notification à la CNIL et de son récépissé")
    damages = [
        cap(view.detail("losses_estimate")).rstrip(".") + "."
        if view.detail("losses_estimate")
        else todo(
            "première estimation des pertes : remise en état, expertise, information des personnes, "
            "perte d'exploitation"
        ),
    ]
    avail = view.facts.get("availability", {})
    if avail.get("impact_on_care"):
        damages.append("Perturbation de la prise en charge des patients.")
    if avail.get("permanent_loss"):
        damages.append("Perte définitive de données.")
    if view.restored:
        damages.append(f"Interruption de service : environ {hours(float(avail['restored_within_hours']))}.")
    insurance = (
        [
            p(
                "L'organisme est assuré contre les cyberattaques. Selon l'art. L. 12-10-1 du code des assurances, "
                "l'indemnisation des pertes et dommages causés par une atteinte à un système d'information est "
                "subordonnée au dépôt d'une plainte au plus tard 72 heures après la connaissance de l'atteinte."
            ),
            fld("insurance_deadline", "Date limite de dépôt de la plainte", moment_text(insurance_deadline)),
        ]
        if insured
        else [p("L'organisme n'a pas déclaré d'assurance contre les cyberattaques ; la plainte reste recommandée.")]
    )
    representative = view.detail("complainant") or view.legal_representative()
    qualifications = offences(view)
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
                    fld("plaintiff_ids", "Identifiants", identifiers(view)),
                    fld("plaintiff_contact", "Contact", view.contact_formal()),
                    fld(
                        "representative",
                        "Représenté par",
                        representative or todo("nom et qualité du représentant légal"),
                    ),
                    fld(
                        "authority_proof",
                        "Pouvoir de représenter l'organisme",
                        view.detail("authority_proof")
                        or todo(
                            "extrait Kbis de moins de trois mois, statuts ou délégation de pouvoir, et pièce d'identité"
                        ),
                    ),
                ],
            ),
            Section(
                "2. Exposé des faits",
                [
                    fld("facts_origin", "Nature des faits", f"{cap(view.origin_label())} ; {view.types_label()}."),
                    fld("facts_start", "Début des faits", view.occurred_text()),
                    *fields_known(("facts_detection", "Détection", view.detected_text())),
                    fld("facts_awareness", "Constatation", view.aware_text()),
                    fld("facts_discovery", "Circonstances de la découverte", view.narrative("awareness_note")),
                    fld("facts_description", "Description", view.narrative("description") or view.title),
                    fld("facts_cause", "Cause", cause(view)),
                ],
            ),
            Section("3. Chronologie des faits", [bullets(view.chronology_lines())]),
            Section("4. Éléments techniques pour les enquêteurs", indicators(view)),
            Section(
                "5. Données concernées",
                [
                    fld("data_categories", "Catégories de données", cap(view.categories_label())),
                    fld("data_persons", "Personnes concernées", cap(view.persons_text())),
                    fld("data_records", "Enregistrements", cap(view.records_text())),
                ],
            ),
            Section(
                "6. Qualifications pénales envisagées",
                [
                    bullets(qualifications) if qualifications else p("Qualification à apprécier par les enquêteurs."),
                    p("Sous réserve de l'appréciation des enquêteurs et du procureur de la République."),
                ],
            ),
            Section(
                "7. Préjudice",
                [
                    h("Pour l'organisme"),
                    bullets(damages),
                    h("Pour les personnes concernées"),
                    bullets([f"Atteinte aux données {de(view.persons_text())}.", *harms(view)]),
                ],
            ),
            Section("8. Éléments de preuve joints ou conservés", [bullets(evidence)]),
            Section("9. Assurance", insurance),
            Section("10. Mesures prises", [fld("measures", "Mesures prises", view.narrative("measures_taken"))]),
        ],
        subtitle=f"Violation de données personnelles {view.reference} — à déposer au commissariat, à la gendarmerie "
        "ou à adresser au procureur de la République",
        references=[["Référence interne", view.reference], ["Constatation", view.aware_text()]],
        footnote="Porter plainte ne remplace ni la notification à la CNIL ni l'information des personnes.",
    )
