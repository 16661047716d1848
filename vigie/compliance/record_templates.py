"""Pre-filled records of processing activities, one per kind of structure.

This is French domain content (the record is a legal document kept in French), written for Vigie from the
CNIL référentiel for medical practices (délibération n° 2020-081 du 18 juin 2020) and the texts it relies on.
Every template is a starting point: the organisation edits each line. The référentiel does not cover
laboratories and establishments; their templates say so and name the durations to check.

``data_categories`` and ``person_categories`` use the decision core's vocabulary (``vigie.breaches.models``),
so that a breach declaration can be pre-filled from the activities concerned.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NO_TRANSFER = "Aucun transfert hors de l'Union européenne."

RETENTION_RECORD = (
    "20 ans après la dernière consultation ou intervention (5 ans en base active, puis 15 ans en archive) ; "
    "patient mineur : au moins jusqu'à ses 28 ans ; décès : 10 ans après le décès (art. R.1112-7 CSP, repris par "
    "le référentiel CNIL de 2020). Une action en responsabilité suspend ces délais ; ensuite, destruction ou "
    "anonymisation."
)
RETENTION_APPOINTMENTS = (
    "Le temps de gérer le rendez-vous, puis effacement dans un délai court (par exemple 3 mois) ; ce qui est utile "
    "au suivi va dans le dossier médical."
)
RETENTION_BILLING = (
    "Doubles des feuilles de soins électroniques : 3 mois (art. R.161-47 du code de la sécurité sociale) ; "
    "pièces justificatives de facturation : 10 ans au titre de la comptabilité."
)
RETENTION_ACCOUNTING = "10 ans à compter de la clôture de l'exercice (art. L.123-22 du code de commerce)."
RETENTION_STAFF = (
    "Pendant la relation de travail, puis en archive intermédiaire pendant les délais de prescription ; doubles "
    "des bulletins de paie : 5 ans (art. L.3243-4 du code du travail)."
)
RETENTION_VIDEO = (
    "1 mois au plus (art. L.252-5 du code de la sécurité intérieure), sauf extraction pour une procédure en cours."
)

SECURITY_CARE = "\n".join(
    [
        "Comptes nominatifs (carte CPS ou e-CPS, ou mot de passe robuste) ; double authentification pour tout accès à distance",
        "Droits d'accès selon la fonction, revus chaque année",
        "Journalisation des accès au dossier",
        "Postes verrouillés, mis à jour, protégés par un antivirus et un pare-feu",
        "Portables, téléphones et supports amovibles chiffrés",
        "Sauvegardes chiffrées, dont une copie hors ligne, restauration testée",
        "Hébergement externalisé chez un hébergeur certifié HDS (art. L.1111-8 CSP)",
        "Échanges par messagerie sécurisée de santé (MSSanté)",
        "Engagement de confidentialité signé par chaque personne ayant accès",
        "Locaux et armoires fermés à clé ; destruction sécurisée du papier et des matériels",
    ]
)
SECURITY_ADMIN = "\n".join(
    [
        "Comptes nominatifs et droits limités à la fonction",
        "Postes verrouillés et mis à jour",
        "Sauvegardes régulières, dont une copie hors ligne",
        "Contrat de sous-traitance conforme à l'art. 28 du RGPD avec chaque prestataire",
    ]
)

PROFESSIONALS = (
    "Les professionnels qui vous prennent en charge et leurs remplaçants, pour ce qui relève de leur mission"
)
SECRETARIAT = "Le secrétariat, pour les seules données administratives"
CARE_TEAM = "Les autres professionnels de l'équipe de soins (art. L.1110-4 et L.1110-12 CSP), sauf opposition"
DMP = "Votre dossier médical partagé (Mon espace santé), sauf opposition"
RECIPIENTS_CARE = "\n".join(
    [
        PROFESSIONALS,
        SECRETARIAT,
        CARE_TEAM,
        DMP,
        "Nos sous-traitants techniques : éditeur du logiciel, hébergeur certifié HDS",
    ]
)


@dataclass(frozen=True)
class ActivityTemplate:
    """One pre-filled line of the record. Texts in French; categories in the decision core's vocabulary."""

    key: str
    name: str
    purposes: str
    legal_basis: str
    data_categories: tuple[str, ...]
    data_details: str
    person_categories: tuple[str, ...]
    recipients: str
    retention: str
    security_measures: str
    processors: str
    transfers: str = NO_TRANSFER
    concerns_patients: bool = True


MEDICAL_RECORD = ActivityTemplate(
    key="dossier-medical",
    name="Dossier médical et suivi des patients",
    purposes=(
        "Tenir le dossier de chaque patient, assurer le diagnostic, les soins et la prévention, rédiger les "
        "prescriptions et les courriers, coordonner la prise en charge avec les autres professionnels."
    ),
    legal_basis=(
        "Obligation légale de tenir un dossier (art. 6.1.c RGPD ; art. R.4127-45 CSP) ; données de santé traitées "
        "pour les soins par des professionnels tenus au secret (art. 9.2.h et 9.3 RGPD ; art. L.1110-4 CSP)."
    ),
    data_categories=("identity", "contact", "birth_date", "national_id", "health", "professional"),
    data_details="\n".join(
        [
            "Identité : nom, prénoms, sexe, date de naissance",
            "Coordonnées : adresse, téléphone, e-mail",
            "Identité nationale de santé (INS) et numéro de sécurité sociale",
            "Données de santé utiles aux soins : antécédents, examens, diagnostics, traitements",
            "Situation familiale et professionnelle lorsqu'elle est utile aux soins",
            "Médecin traitant et autres professionnels qui suivent le patient",
        ]
    ),
    person_categories=("patients", "minors"),
    recipients=RECIPIENTS_CARE,
    retention=RETENTION_RECORD,
    security_measures=SECURITY_CARE,
    processors="Éditeur du logiciel médical\nHébergeur certifié HDS",
)

APPOINTMENTS = ActivityTemplate(
    key="rendez-vous",
    name="Prise de rendez-vous",
    purposes="Organiser l'agenda, prendre et rappeler les rendez-vous, gérer les annulations.",
    legal_basis=(
        "Mesures prises à la demande du patient avant les soins (art. 6.1.b RGPD) ; données de santé limitées au "
        "motif utile à l'organisation (art. 9.2.h RGPD)."
    ),
    data_categories=("identity", "contact", "birth_date"),
    data_details="Nom, prénom, date de naissance, téléphone, e-mail, motif succinct du rendez-vous",
    person_categories=("patients",),
    recipients=f"{PROFESSIONALS}\n{SECRETARIAT}\nLa plateforme de rendez-vous ou le secrétariat à distance, en sous-traitance",
    retention=RETENTION_APPOINTMENTS,
    security_measures=SECURITY_ADMIN,
    processors="Plateforme de prise de rendez-vous en ligne\nSecrétariat téléphonique à distance",
)

BILLING = ActivityTemplate(
    key="facturation",
    name="Facturation et télétransmission",
    purposes=(
        "Établir et transmettre les feuilles de soins électroniques, pratiquer le tiers payant, suivre les "
        "paiements et les rejets."
    ),
    legal_basis=(
        "Obligation légale de transmission électronique des feuilles de soins (art. 6.1.c RGPD ; art. L.161-35 du "
        "code de la sécurité sociale)."
    ),
    data_categories=("identity", "birth_date", "national_id", "health", "financial"),
    data_details="\n".join(
        [
            "Identité et numéro de sécurité sociale de l'assuré et du bénéficiaire",
            "Organisme d'assurance maladie et complémentaire, droits ouverts",
            "Actes réalisés et montants",
        ]
    ),
    person_categories=("patients",),
    recipients="\n".join(
        [
            "L'Assurance Maladie et les organismes complémentaires",
            "L'organisme concentrateur de télétransmission, en sous-traitance",
        ]
    ),
    retention=RETENTION_BILLING,
    security_measures=SECURITY_ADMIN + "\nLecture des cartes Vitale et CPS sur un poste à jour",
    processors="Éditeur du logiciel de facturation\nOrganisme concentrateur technique (OCT)",
)

TELEMEDICINE = ActivityTemplate(
    key="telemedecine",
    name="Téléconsultation et télé-expertise",
    purposes="Réaliser des actes de télémédecine et échanger un avis avec un confrère à distance.",
    legal_basis=(
        "Relation de soins (art. 6.1.b RGPD) ; soins par des professionnels tenus au secret (art. 9.2.h RGPD ; "
        "art. L.6316-1 et R.6316-1 s. CSP)."
    ),
    data_categories=("identity", "contact", "national_id", "health"),
    data_details="Identité, coordonnées, données de santé échangées pendant l'acte ; aucun enregistrement vidéo",
    person_categories=("patients",),
    recipients=f"{PROFESSIONALS}\n{CARE_TEAM}\nLa plateforme de téléconsultation, en sous-traitance",
    retention="Le compte rendu est versé au dossier médical et suit sa durée ; la vidéo n'est pas enregistrée.",
    security_measures=SECURITY_CARE,
    processors="Plateforme de téléconsultation (hébergée chez un hébergeur certifié HDS)",
)

SHARING = ActivityTemplate(
    key="partage",
    name="Échanges avec l'équipe de soins (MSSanté, DMP)",
    purposes=(
        "Échanger avec les autres professionnels qui prennent en charge le patient et alimenter son dossier "
        "médical partagé (Mon espace santé)."
    ),
    legal_basis=(
        "Soins (art. 9.2.h RGPD) ; partage au sein de l'équipe de soins, le patient informé pouvant s'y opposer "
        "(art. L.1110-4 et L.1110-12 CSP) ; alimentation du DMP (art. L.1111-15 CSP)."
    ),
    data_categories=("identity", "birth_date", "national_id", "health"),
    data_details="Identité, INS, comptes rendus, résultats, courriers",
    person_categories=("patients",),
    recipients=f"{CARE_TEAM}\n{DMP}",
    retention="Les messages utiles sont versés au dossier médical et suivent sa durée ; la messagerie est purgée régulièrement.",
    security_measures="Messagerie sécurisée de santé (MSSanté) exclusivement\nAucune messagerie grand public pour des données de santé",
    processors="Opérateur de messagerie sécurisée de santé (MSSanté)",
)

ACCOUNTING = ActivityTemplate(
    key="comptabilite",
    name="Comptabilité",
    purposes="Tenir la comptabilité et remplir les obligations fiscales et sociales du cabinet.",
    legal_basis="Obligations comptables et fiscales (art. 6.1.c RGPD).",
    data_categories=("identity", "financial"),
    data_details="Nom du patient ou du payeur, montants, moyens de paiement (sans données de santé)",
    person_categories=("patients", "clients"),
    recipients="L'expert-comptable et l'association de gestion agréée\nL'administration fiscale sur demande",
    retention=RETENTION_ACCOUNTING,
    security_measures=SECURITY_ADMIN,
    processors="Expert-comptable\nÉditeur du logiciel de comptabilité",
)

STAFF = ActivityTemplate(
    key="personnel",
    name="Gestion du personnel",
    purposes="Recruter, gérer les contrats, la paie, les déclarations sociales et les plannings des salariés.",
    legal_basis="Contrat de travail (art. 6.1.b RGPD) et obligations sociales et fiscales (art. 6.1.c RGPD).",
    data_categories=("identity", "contact", "birth_date", "national_id", "financial", "professional"),
    data_details="Identité, coordonnées, numéro de sécurité sociale, coordonnées bancaires, contrat, rémunération, absences",
    person_categories=("employees",),
    recipients="\n".join(
        [
            "L'employeur et la personne chargée de la paie",
            "Les organismes sociaux (URSSAF, retraite, prévoyance), le service de prévention et de santé au travail",
            "Le cabinet comptable ou le gestionnaire de paie, en sous-traitance",
        ]
    ),
    retention=RETENTION_STAFF,
    security_measures=SECURITY_ADMIN + "\nDossiers du personnel séparés des dossiers des patients",
    processors="Gestionnaire de paie ou expert-comptable",
    concerns_patients=False,
)

VIDEO = ActivityTemplate(
    key="videosurveillance",
    name="Vidéosurveillance des accès",
    purposes="Assurer la sécurité des personnes et des biens aux entrées et dans les parties communes.",
    legal_basis=(
        "Intérêt légitime de la structure à protéger les personnes et les biens (art. 6.1.f RGPD) ; aucune caméra "
        "dans les salles de soins ni les salles d'attente."
    ),
    data_categories=("identity",),
    data_details="Images des personnes filmées, date et heure",
    person_categories=("patients", "employees", "other"),
    recipients="Les personnes habilitées de la structure\nLes forces de l'ordre sur réquisition",
    retention=RETENTION_VIDEO,
    security_measures="Accès aux images limité à des personnes nommément désignées\nJournal des consultations des images\nPanneau d'information à chaque entrée filmée",
    processors="Installateur ou télésurveilleur, le cas échéant",
)

LAB_RECORD = ActivityTemplate(
    key="dossier-biologie",
    name="Examens de biologie médicale",
    purposes=(
        "Réaliser les prélèvements et les analyses, valider et communiquer les résultats au patient et au "
        "prescripteur, assurer la traçabilité des échantillons."
    ),
    legal_basis=(
        "Obligations de la biologie médicale (art. 6.1.c RGPD ; art. L.6211-1 s. CSP) ; soins par des "
        "professionnels tenus au secret (art. 9.2.h et 9.3 RGPD)."
    ),
    data_categories=("identity", "contact", "birth_date", "national_id", "health", "genetic"),
    data_details="\n".join(
        [
            "Identité, coordonnées, INS et numéro de sécurité sociale",
            "Prescription, renseignements cliniques, résultats et comptes rendus",
            "Le cas échéant, examens de génétique soumis à des règles particulières",
        ]
    ),
    person_categories=("patients", "minors"),
    recipients="\n".join(
        [
            "Les biologistes et techniciens du laboratoire, pour ce qui relève de leur mission",
            "Le prescripteur et les professionnels désignés par le patient",
            "Le dossier médical partagé (Mon espace santé), sauf opposition du patient",
            "Le laboratoire sous-traitant d'une analyse spécialisée",
            "Les sous-traitants techniques : éditeur du système de gestion du laboratoire, hébergeur certifié HDS",
        ]
    ),
    retention=(
        "À fixer par le laboratoire selon la réglementation de la biologie médicale et sa norme d'accréditation ; "
        "à défaut, 20 ans après le dernier examen par analogie avec l'art. R.1112-7 CSP (mineurs : au moins "
        "jusqu'à 28 ans ; décès : 10 ans). Le référentiel CNIL de 2020 ne couvre pas les laboratoires : durée à "
        "justifier."
    ),
    security_measures=SECURITY_CARE + "\nRésultats en ligne avec authentification du patient",
    processors="Éditeur du système de gestion du laboratoire (SGL)\nHébergeur certifié HDS\nServeur de résultats en ligne",
)

LAB_DECLARATIONS = ActivityTemplate(
    key="declarations-obligatoires",
    name="Déclarations obligatoires et vigilances",
    purposes="Signaler aux autorités sanitaires les maladies à déclaration obligatoire et les événements de vigilance.",
    legal_basis="Obligation légale (art. 6.1.c RGPD ; art. L.3113-1 CSP) ; santé publique (art. 9.2.i RGPD).",
    data_categories=("identity", "birth_date", "health"),
    data_details="Données prévues par chaque formulaire de déclaration, anonymisées lorsque le texte le prévoit",
    person_categories=("patients",),
    recipients="L'agence régionale de santé\nSanté publique France",
    retention="Durée du dossier de biologie ; les déclarations suivent les règles de l'autorité destinataire.",
    security_measures="Transmission par les canaux sécurisés prévus par l'autorité",
    processors="",
)

CLINIC_RECORD = ActivityTemplate(
    key="dossier-patient",
    name="Dossier patient et parcours de soins",
    purposes=(
        "Tenir le dossier médical et de soins de chaque patient, organiser son séjour, assurer les soins, la "
        "continuité et la sortie."
    ),
    legal_basis=(
        "Obligation légale de tenir un dossier (art. 6.1.c RGPD ; art. R.1112-2 CSP) ; soins par des "
        "professionnels tenus au secret (art. 9.2.h et 9.3 RGPD)."
    ),
    data_categories=MEDICAL_RECORD.data_categories + ("social_welfare",),
    data_details=MEDICAL_RECORD.data_details + "\nPersonne de confiance et personne à prévenir",
    person_categories=("patients", "minors", "vulnerable"),
    recipients=RECIPIENTS_CARE,
    retention=RETENTION_RECORD,
    security_measures=SECURITY_CARE + "\nIdentitovigilance (INS qualifiée)",
    processors="Éditeur du dossier patient informatisé\nHébergeur certifié HDS",
)

CLINIC_ADMISSIONS = ActivityTemplate(
    key="admissions",
    name="Admissions, facturation et information médicale (PMSI)",
    purposes=(
        "Enregistrer les admissions, facturer les séjours à l'Assurance Maladie et aux complémentaires, produire "
        "l'information médicale (PMSI) transmise de façon pseudonymisée."
    ),
    legal_basis=(
        "Obligations légales (art. 6.1.c RGPD ; art. L.6113-7 et L.6113-8 CSP ; art. L.161-35 du code de la "
        "sécurité sociale)."
    ),
    data_categories=("identity", "contact", "birth_date", "national_id", "health", "financial"),
    data_details="Identité, couverture sociale, séjours, diagnostics et actes codés, montants",
    person_categories=("patients",),
    recipients="Le bureau des admissions et le département d'information médicale\nL'Assurance Maladie et les complémentaires\nL'ATIH (données pseudonymisées)",
    retention=RETENTION_BILLING,
    security_measures=SECURITY_ADMIN,
    processors="Éditeur du logiciel de gestion administrative\nHébergeur certifié HDS",
)


@dataclass(frozen=True)
class RecordTemplate:
    """The record proposed to one kind of structure."""

    key: str
    label: str | Promise
    kinds: tuple[str, ...]
    activities: tuple[ActivityTemplate, ...]
    notes: str = ""


TEMPLATES: tuple[RecordTemplate, ...] = (
    RecordTemplate(
        "cabinet",
        _("GP or specialist practice"),
        ("cabinet_medical", "other_health", "other"),
        (MEDICAL_RECORD, APPOINTMENTS, BILLING, TELEMEDICINE, SHARING, ACCOUNTING, STAFF),
    ),
    RecordTemplate(
        "centre",
        _("Multi-professional practice or health centre"),
        ("centre_sante", "medico_social"),
        (
            ActivityTemplate(
                **{
                    **MEDICAL_RECORD.__dict__,
                    "name": "Dossier patient partagé au sein de la structure",
                    "legal_basis": MEDICAL_RECORD.legal_basis
                    + " Partage entre les professionnels de la structure, membres de l'équipe de soins, le patient "
                    "informé pouvant s'y opposer (art. L.1110-12 CSP).",
                    "recipients": RECIPIENTS_CARE,
                }
            ),
            APPOINTMENTS,
            BILLING,
            TELEMEDICINE,
            SHARING,
            ACCOUNTING,
            STAFF,
            VIDEO,
        ),
    ),
    RecordTemplate(
        "laboratoire",
        _("Medical laboratory"),
        ("laboratoire",),
        (LAB_RECORD, APPOINTMENTS, BILLING, LAB_DECLARATIONS, ACCOUNTING, STAFF, VIDEO),
        notes="Le référentiel CNIL de 2020 ne couvre pas les laboratoires : vérifiez chaque durée de conservation.",
    ),
    RecordTemplate(
        "clinique",
        _("Clinic or health establishment"),
        ("etablissement_sante", "pharmacie"),
        (CLINIC_RECORD, CLINIC_ADMISSIONS, APPOINTMENTS, TELEMEDICINE, SHARING, ACCOUNTING, STAFF, VIDEO),
        notes="Le référentiel CNIL de 2020 ne couvre pas les établissements : l'analyse doit être complétée.",
    ),
)
BY_KEY = {template.key: template for template in TEMPLATES}


def template_for_kind(kind: str) -> RecordTemplate:
    """The template proposed by default to an organisation of this kind."""
    return next((t for t in TEMPLATES if kind in t.kinds), TEMPLATES[0])
