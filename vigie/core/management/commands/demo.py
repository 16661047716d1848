"""``vigie demo``: a demo account, a GP practice and a lab, their records of processing, and a handful of
breaches over two years.

Idempotent: the demo user, the organisations and each breach are found by their fixed e-mail, names and
titles, so running the command again creates nothing new. The breaches are made through the services
(declare, assess, overrule, mark done, note, close), each step replayed at the moment it happened, so that
their journals, deadlines and the register read like real ones.

``vigie demo --code`` prints the demo user's current second-factor code.
"""

from __future__ import annotations

from argparse import ArgumentParser
from base64 import b32encode
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, OrganisationKind, Profession, Role, User
from vigie.accounts.services import recovery_digest
from vigie.breaches import services
from vigie.breaches.models import Breach, TimelineEvent
from vigie.compliance.services import fill_record_from_kind
from vigie.core.management.commands.serve import local_url
from vigie.documents.services import save_incident_details
from vigie.incidents.demo import add_demo_incident

EMAIL = "demo@vigie.test"
PASSWORD = "vigie-demo-2025"  # noqa: S105 - a demonstration account, printed on purpose
# A fixed TOTP key (hex), so that the demo can be added once to an authenticator app and keep working.
TOTP_KEY = "3132333435363738393031323334353637383930"
RECOVERY_CODES = ("demo0001", "demo0002", "demo0003", "demo0004", "demo0005")

GP = "Cabinet médical des Tilleuls"
LAB = "Laboratoire Bio Armor"
ORGANISATIONS: dict[str, dict[str, Any]] = {
    GP: {
        "kind": OrganisationKind.CABINET_MEDICAL,
        "profession": Profession.MEDECINS,
        "address": "12 rue des Tilleuls",
        "postcode": "69003",
        "city": "Lyon",
        "phone": "04 78 00 00 00",
        "email": "contact@tilleuls.example",
        "siret": "41235678400014",
        "siren": "412356784",
        "dpo_name": "Dr Claire Martin",
        "dpo_civility": "mme",
        "dpo_email": "dpo@tilleuls.example",
        "legal_rep_name": "Dr Claire Martin",
        "legal_rep_civility": "mme",
        "legal_rep_function": "médecin titulaire du cabinet",
        "legal_rep_phone": "04 78 00 00 01",
        "legal_rep_rpps": "10101234567",
        "legal_rep_ordre_member": True,
        "contact_name": "Sophie Bernard",
        "contact_civility": "mme",
        "contact_function": "secrétaire médicale",
        "contact_phone": "04 78 00 00 02",
    },
    LAB: {
        "kind": OrganisationKind.LABORATOIRE,
        "profession": Profession.PHARMACIENS,
        "address": "4 avenue Victor Hugo",
        "postcode": "56000",
        "city": "Vannes",
        "phone": "02 97 00 00 00",
        "email": "accueil@bio-armor.example",
        "siret": "51298765200017",
        "siren": "512987652",
        "finess": "560012345",
        "dpo_name": "Yann Le Goff",
        "dpo_civility": "m",
        "dpo_email": "dpo@bio-armor.example",
        "legal_rep_name": "Dr Anne Kerleau",
        "legal_rep_civility": "mme",
        "legal_rep_function": "biologiste responsable",
        "legal_rep_email": "direction@bio-armor.example",
        "legal_rep_phone": "02 97 00 00 01",
        "legal_rep_rpps": "10003456789",
        "legal_rep_ordre_member": True,
        "contact_name": "Erwan Morvan",
        "contact_civility": "m",
        "contact_function": "responsable informatique",
        "contact_phone": "02 97 00 00 10",
        "contact_email": "informatique@bio-armor.example",
        "cyber_insurance": True,
    },
}


@dataclass
class Story:
    """A demo breach: its facts at declaration, then dated steps (hours after awareness)."""

    org: str
    title: str
    aware_ago: timedelta
    facts: dict[str, Any]
    steps: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    # Moments of the incident, in hours from awareness (negative: before it): occurred_at, ended_at…
    moments: dict[str, float] = field(default_factory=dict)
    # What the complaint and the ARS report quote (documents' ``IncidentDetails``).
    details: dict[str, Any] = field(default_factory=dict)


PATIENT_DATA = ["identity", "contact", "birth_date", "health"]

STORIES = [
    Story(
        LAB,
        "Rançongiciel sur le serveur de résultats",
        timedelta(days=590, hours=3),
        {
            "awareness_note": "Écran de rançon sur le serveur de résultats à l'ouverture du laboratoire.",
            "breach_types": ["confidentiality", "availability", "integrity"],
            "origin": "ransomware",
            "malicious": True,
            "data_categories": [*PATIENT_DATA, "national_id"],
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 4800,
            "persons_count_is_estimate": True,
            "person_categories": ["patients"],
            "exfiltration": "confirmed",
            "backup": True,
            "restored_within_hours": 36,
            "impact_on_care": True,
            "description": "Chiffrement du serveur de résultats ; l'attaquant revendique la copie de 20 Go de comptes "
            "rendus d'analyses et publie un échantillon.",
            "consequences": "Résultats d'analyses et numéros de sécurité sociale entre les mains d'un attaquant ; "
            "risque d'hameçonnage ciblé et d'usurpation d'identité.",
            "measures_taken": "Serveur isolé, restauration depuis la sauvegarde hors ligne, mots de passe changés, "
            "plainte déposée.",
            "measures_planned": "Double authentification pour les accès à distance ; sauvegardes testées chaque mois.",
            "certainty": "confirmed",
            "media": ["server", "workstation"],
        },
        [
            (20, "done", {"obligation": "police_complaint", "reference": "PV 2024/1187"}),
            (26, "done", {"obligation": "ars_cert_sante", "reference": "2025-0412"}),
            (30, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0042871"}),
            (40, "note", {"text": "Déclaration faite à l'assureur ; expert mandaté."}),
            (120, "done", {"obligation": "inform_persons", "note": "Courrier à chaque patient, avec conseils."}),
            (24 * 60, "close", {"note": "Plan d'action terminé : MFA, sauvegardes testées chaque mois."}),
        ],
        moments={"occurred_at": -9.2, "incident_detected_at": -0.4, "ended_at": 30},
        details={
            "scope": "Plateau technique de Vannes et deux sites de prélèvement.",
            "systems_affected": "Serveur de résultats sous Windows Server 2016, deux postes du secrétariat.",
            "handling_state": "Systèmes restaurés depuis la sauvegarde hors ligne ; surveillance renforcée.",
            "attack_vector": "Accès à distance exposé sur internet ; mot de passe d'un compte de maintenance deviné.",
            "care_impact": "Rendu des résultats retardé de 36 heures ; prélèvements non urgents reportés.",
            "patient_transfers": "Aucun.",
            "structure_impact": "Mode dégradé pendant 36 heures : résultats urgents transmis par téléphone aux "
            "prescripteurs.",
            "cert_support": True,
            # Hours from awareness, written in UTC when the breach is made (see ``utc_lines``).
            "attacker_ips": [
                (-9.2, "203.0.113.45", "connexion au bureau à distance"),
                (-7.7, "198.51.100.7", "transfert sortant de 20 Go"),
            ],
            "ransom_note": "Vos fichiers sont chiffrés et vos données copiées. Pour les récupérer et éviter leur "
            "publication, contactez-nous sur notre site en .onion avec votre identifiant 7F3A-22C1.",
            "group_name": "Nébula",
            "onion_addresses": "nebulaexemple4k2l7m.onion",
            "wallet_addresses": "bc1qexemple0demo0portefeuille0fictif",
            "ransom_amount": "2 bitcoins, environ 120 000 euros",
            "ransom_paid": False,
            "it_provider": "ArmorInfo Services, M. Paul Riou, 02 97 00 00 20, support@armorinfo.example",
            "losses_estimate": "Environ 45 000 euros : expertise, remise en état, deux jours d'activité réduite.",
            "authority_proof": "Extrait Kbis du 2 avril 2025 et pièce d'identité de la biologiste responsable.",
        },
    ),
    Story(
        LAB,
        "Accès non autorisé au portail patients",
        timedelta(days=300, hours=5),
        {
            "breach_types": ["confidentiality"],
            "origin": "credential_stuffing",
            "malicious": True,
            "data_categories": PATIENT_DATA,
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 312,
            "person_categories": ["patients"],
            "exfiltration": "likely",
            "description": "Connexions au portail de résultats avec des mots de passe volés ailleurs.",
            "awareness_note": "Alerte de l'hébergeur du portail sur des connexions anormales.",
            "processor_name": "SantéCloud, hébergeur du portail",
            "certainty": "confirmed",
            "media": ["cloud"],
        },
        [
            (
                96,
                "done",
                {
                    "obligation": "notify_cnil",
                    "reference": "CNIL-NOTIF-0051310",
                    "delay_reasons": "L'hébergeur du portail n'a transmis les journaux de connexion qu'au quatrième "
                    "jour ; sans eux, le nombre de patients concernés était inconnu.",
                },
            ),
            (110, "done", {"obligation": "inform_persons", "note": "Courriel et SMS aux 312 patients."}),
        ],
        moments={"occurred_at": -70, "processor_informed_at": 0, "ended_at": 5},
    ),
    Story(
        LAB,
        "Résultat d'analyse envoyé au mauvais patient",
        timedelta(days=150, hours=2),
        {
            "breach_types": ["confidentiality"],
            "origin": "misdirected_email",
            "malicious": False,
            "data_categories": PATIENT_DATA,
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 1,
            "person_categories": ["patients"],
            "recipient": "untrusted",
            "recovered_or_deleted": True,
            "description": "Un compte rendu a été envoyé par courriel à un homonyme, qui l'a signalé et supprimé.",
            "certainty": "confirmed",
            "media": ["email"],
        },
        [
            (
                6,
                "overrule",
                {
                    "notify_authority": True,
                    "notify_data_subjects": True,
                    "justification": "Par précaution, la patiente est prévenue par téléphone : le résultat porte "
                    "sur une sérologie sensible.",
                },
            ),
            (26, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0060004"}),
            (28, "done", {"obligation": "inform_persons", "note": "Appel téléphonique du biologiste."}),
            (24 * 10, "close", {}),
        ],
        moments={"occurred_at": -3, "ended_at": -3},
        details={"persons_channel": "Appel téléphonique de la biologiste à la patiente."},
    ),
    Story(
        GP,
        "Vol d'un ordinateur portable non chiffré",
        timedelta(days=420, hours=6),
        {
            "breach_types": ["confidentiality", "availability"],
            "origin": "stolen_device",
            "malicious": True,
            "data_categories": [*PATIENT_DATA, "national_id"],
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 1350,
            "persons_count_is_estimate": True,
            "person_categories": ["patients", "minors"],
            "recipient": "malicious",
            "backup": True,
            "certainty": "confirmed",
            "media": ["laptop"],
            "description": "Ordinateur portable volé dans la voiture du médecin ; disque non chiffré.",
            "measures_taken": "Plainte, changement des mots de passe, chiffrement de tous les postes.",
        },
        [
            (10, "done", {"obligation": "police_complaint", "reference": "Récépissé 69-2024-5521"}),
            (40, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0047113"}),
            (72, "done", {"obligation": "inform_persons", "note": "Lettre à chaque patient."}),
            (24 * 30, "close", {}),
        ],
        moments={"occurred_at": -14, "ended_at": -14},
    ),
    Story(
        GP,
        "Dossier papier égaré lors d'une visite à domicile",
        timedelta(days=210, hours=1),
        {
            "breach_types": ["confidentiality"],
            "origin": "lost_paper",
            "malicious": False,
            "data_categories": PATIENT_DATA,
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 1,
            "person_categories": ["patients"],
            "recipient": "unknown",
            "description": "Le dossier d'un patient n'a pas été retrouvé après une tournée de visites.",
            "certainty": "confirmed",
            "media": ["paper"],
        },
        [
            (30, "note", {"text": "Recherches dans le véhicule et chez les patients visités : sans résultat."}),
            (44, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0055120"}),
        ],
    ),
    Story(
        GP,
        "Vol d'un ordinateur portable chiffré",
        timedelta(days=95, hours=4),
        {
            "breach_types": ["confidentiality", "availability"],
            "origin": "stolen_device",
            "malicious": True,
            "data_categories": PATIENT_DATA,
            "protection": "encrypted",
            "identifiability": "direct",
            "persons_count": 900,
            "persons_count_is_estimate": True,
            "person_categories": ["patients"],
            "backup": True,
            "permanent_loss": False,
            "description": "Ordinateur volé au cabinet ; disque chiffré, clé non compromise : inscrit au registre.",
            "certainty": "confirmed",
            "media": ["laptop"],
        },
        [(48, "close", {"note": "Inscription au registre seulement : données inintelligibles."})],
    ),
    Story(
        GP,
        "Panne du logiciel médical pendant deux heures",
        timedelta(days=40, hours=2),
        {
            "breach_types": ["availability"],
            "origin": "system_failure",
            "malicious": False,
            "data_categories": PATIENT_DATA,
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 2000,
            "persons_count_is_estimate": True,
            "person_categories": ["patients"],
            "backup": True,
            "restored_within_hours": 2,
            "permanent_loss": False,
            "impact_on_care": False,
            "description": "Dossiers patients inaccessibles deux heures pendant une mise à jour de l'éditeur.",
            "certainty": "confirmed",
            "media": ["server"],
        },
        [(24, "close", {})],
        moments={"occurred_at": -0.3, "ended_at": 1.7},
    ),
    Story(
        GP,
        "Rançongiciel sur le poste du secrétariat",
        timedelta(hours=20),
        {
            "awareness_note": "La secrétaire a trouvé les fichiers renommés et une demande de rançon.",
            "breach_types": ["availability", "confidentiality"],
            "origin": "ransomware",
            "malicious": True,
            "data_categories": PATIENT_DATA,
            "protection": "none",
            "identifiability": "direct",
            "persons_count": 2600,
            "persons_count_is_estimate": True,
            "person_categories": ["patients"],
            "exfiltration": "unknown",
            "backup": True,
            "description": "Poste du secrétariat chiffré ; le prestataire informatique examine les journaux.",
            "certainty": "suspected",
            "media": ["workstation"],
        },
        [(2, "note", {"text": "Poste débranché du réseau ; prestataire informatique appelé."})],
        moments={"incident_detected_at": -0.3},
        details={"systems_affected": "Poste du secrétariat sous Windows 10, partage réseau des courriers."},
    ),
]


def utc_lines(details: dict[str, Any], aware: datetime) -> dict[str, Any]:
    """The details with each list of (hours from awareness, address, what) written as lines in UTC."""
    out = dict(details)
    for name, value in details.items():
        if isinstance(value, list):
            out[name] = "\n".join(
                f"{address}, le {(aware + timedelta(hours=hours)).astimezone(UTC):%d/%m/%Y à %H h %M} UTC, {what}"
                for hours, address, what in value
            )
    return out


@contextmanager
def replayed_at(moment: datetime) -> Iterator[None]:
    """Run the services as if it were ``moment``, so that a two-year-old breach has a two-year-old journal.

    Only for demo data: ``timezone.now`` is what the services read, and the journal's ``at`` default is the
    function object bound when the model was defined, so it is replaced too.
    """
    at = TimelineEvent._meta.get_field("at")
    with mock.patch.object(timezone, "now", return_value=moment), mock.patch.object(at, "_get_default", lambda: moment):
        yield


def code_of(device: TOTPDevice) -> str:
    """The device's current six-digit code."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{value:0{device.digits}d}"


class Command(BaseCommand):
    help = "Crée (une seule fois) un compte de démonstration, un cabinet, un laboratoire et quelques violations."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--code", action="store_true", help="Afficher le code à usage unique actuel du compte.")

    def handle(self, *, code: bool, **options: Any) -> None:
        if settings.PRODUCTION:
            # The demo owner's password and second-factor secret are in this file, public: in production they
            # would be a way in for anyone who reads the source.
            raise CommandError(
                _(
                    "“vigie demo” refuses to run with VIGIE_ENV=production: the demonstration account has a public "
                    "password and second factor. Create the accounts with “vigie org create”."
                )
            )
        if code:
            device = TOTPDevice.objects.filter(user__email=EMAIL, confirmed=True).first()
            if device is None:
                raise CommandError(_("No demonstration account yet: run “vigie demo” first."))
            self.stdout.write(code_of(device))
            return
        with transaction.atomic():
            user, created = self.demo_user()
            orgs = {name: self.organisation(name, user) for name in ORGANISATIONS}
            added = sum(self.story(story, orgs[story.org], user) for story in STORIES)
            # The lab's software vendor and its incident, alerted to the lab and two other clients.
            incident = add_demo_incident(user)
        self.report(user, created, added, incident)

    def demo_user(self) -> tuple[User, bool]:
        user = User.objects.filter(email=EMAIL).first()
        if user is not None:
            return user, False
        user = User.objects.create_user(EMAIL, PASSWORD, full_name="Camille Laurent (démo)")
        TOTPDevice.objects.create(user=user, name="Application", key=TOTP_KEY, confirmed=True)
        recovery = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
        StaticToken.objects.bulk_create(
            StaticToken(device=recovery, token=recovery_digest(code)) for code in RECOVERY_CODES
        )
        return user, True

    def organisation(self, name: str, user: User) -> Organisation:
        org, _created = Organisation.objects.get_or_create(name=name, defaults=ORGANISATIONS[name])
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.OWNER})
        # The record of processing from the kind's template, so that the poster and the notice read like real ones.
        fill_record_from_kind(org, by=user)
        return org

    def story(self, story: Story, org: Organisation, user: User) -> bool:
        """Declare the breach and replay its steps; False when it already exists."""
        if Breach.objects.for_org(org).filter(title=story.title).exists():
            return False
        now = timezone.now()
        aware = (now - story.aware_ago).replace(second=0, microsecond=0)
        moments: dict[str, Any] = {name: aware + timedelta(hours=hours) for name, hours in story.moments.items()}
        with replayed_at(aware + timedelta(minutes=45)):
            breach = services.declare_breach(
                org, by=user, title=story.title, became_aware_at=aware, **story.facts, **moments
            )
            if story.details:
                save_incident_details(breach, utc_lines(story.details, aware), by=user)
        for hours, kind, data in story.steps:
            moment = aware + timedelta(hours=hours)
            if moment > now:
                continue
            with replayed_at(moment):
                breach.refresh_from_db()
                self.step(breach, kind, data, user, moment)
        return True

    def step(self, breach: Breach, kind: str, data: dict[str, Any], user: User, moment: datetime) -> None:
        if kind == "done":
            details = dict(data)
            obligation = details.pop("obligation")
            row = breach.obligation(obligation)
            if row is None or not row.applies:
                return  # the decision does not call for it: the demo follows the decision
            services.mark_obligation_done(breach, obligation, by=user, done_at=moment, **details)
        elif kind == "note":
            services.add_note(breach, by=user, **data)
        elif kind == "overrule":
            services.overrule_decision(breach, by=user, **data)
        elif kind == "close":
            services.close_breach(breach, by=user, **data)

    def report(self, user: User, created: bool, added: int, incident: int = 0) -> None:
        device = TOTPDevice.objects.get(user=user, name="Application")
        secret = b32encode(device.bin_key).decode()
        if created or added or incident:
            self.stdout.write(self.style.SUCCESS(_("Demonstration ready: %(n)s breach(es) added.") % {"n": added}))
            if incident:
                self.stdout.write(
                    _("An incident at the laboratory's software vendor, alerted to three laboratories, added.")
                )
        else:
            self.stdout.write(_("The demonstration already exists: nothing was added."))
        self.stdout.write(
            "\n".join(
                [
                    "",
                    _("Address: %(url)s") % {"url": local_url(settings.SERVE_HOST, settings.SERVE_PORT)},
                    _("E-mail: %(email)s") % {"email": EMAIL},
                    _("Password: %(password)s") % {"password": PASSWORD},
                    _("Second factor:"),
                    "  - " + _("current code: vigie demo --code"),
                    "  - " + _("or add the account to an authenticator app, key %(key)s") % {"key": secret},
                    f"    ({device.config_url})",
                    "  - " + _("recovery codes: %(codes)s") % {"codes": ", ".join(RECOVERY_CODES)},
                    _("Organisations:"),
                    *self.memberships(user),
                ]
            )
        )

    @staticmethod
    def memberships(user: User) -> list[str]:
        """One line per organisation of the demo user, with the role held there, as the database says."""
        with translation.override("fr"):
            return [
                f"  - {membership.organisation.name} ({membership.get_role_display()})"
                for membership in Membership.objects.filter(user=user)
                .select_related("organisation")
                .order_by("organisation__name")
            ]
