"""``vigie demo``: a demo account, a GP practice and a lab, and a handful of breaches over two years.

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
from datetime import datetime, timedelta
from typing import Any
from unittest import mock

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, OrganisationKind, Profession, Role, User
from vigie.accounts.services import recovery_digest
from vigie.breaches import services
from vigie.breaches.models import Breach, TimelineEvent

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
        "dpo_name": "Dr Claire Martin",
        "dpo_email": "dpo@tilleuls.example",
    },
    LAB: {
        "kind": OrganisationKind.LABORATOIRE,
        "profession": Profession.PHARMACIENS,
        "address": "4 avenue Victor Hugo",
        "postcode": "56000",
        "city": "Vannes",
        "phone": "02 97 00 00 00",
        "email": "accueil@bio-armor.example",
        "dpo_name": "Yann Le Goff",
        "dpo_email": "dpo@bio-armor.example",
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
        },
        [
            (20, "done", {"obligation": "police_complaint", "reference": "PV 2024/1187"}),
            (30, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0042871"}),
            (40, "note", {"text": "Déclaration faite à l'assureur ; expert mandaté."}),
            (120, "done", {"obligation": "inform_persons", "note": "Courrier à chaque patient, avec conseils."}),
            (24 * 60, "close", {"note": "Plan d'action terminé : MFA, sauvegardes testées chaque mois."}),
        ],
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
            "person_categories": ["patients"],
            "recipient": "malicious",
            "backup": True,
            "description": "Ordinateur portable volé dans la voiture du médecin ; disque non chiffré.",
            "measures_taken": "Plainte, changement des mots de passe, chiffrement de tous les postes.",
        },
        [
            (10, "done", {"obligation": "police_complaint", "reference": "Récépissé 69-2024-5521"}),
            (40, "done", {"obligation": "notify_cnil", "reference": "CNIL-NOTIF-0047113"}),
            (72, "done", {"obligation": "inform_persons", "note": "Lettre à chaque patient."}),
            (24 * 30, "close", {}),
        ],
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
        },
        [(24, "close", {})],
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
        },
        [(2, "note", {"text": "Poste débranché du réseau ; prestataire informatique appelé."})],
    ),
]


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
        if code:
            device = TOTPDevice.objects.filter(user__email=EMAIL, confirmed=True).first()
            if device is None:
                raise CommandError("Pas encore de compte de démonstration : lancez d'abord « vigie demo ».")
            self.stdout.write(code_of(device))
            return
        with transaction.atomic():
            user, created = self.demo_user()
            orgs = {name: self.organisation(name, user) for name in ORGANISATIONS}
            added = sum(self.story(story, orgs[story.org], user) for story in STORIES)
        self.report(user, created, added)

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
        return org

    def story(self, story: Story, org: Organisation, user: User) -> bool:
        """Declare the breach and replay its steps; False when it already exists."""
        if Breach.objects.for_org(org).filter(title=story.title).exists():
            return False
        now = timezone.now()
        aware = (now - story.aware_ago).replace(second=0, microsecond=0)
        with replayed_at(aware + timedelta(minutes=45)):
            breach = services.declare_breach(org, by=user, title=story.title, became_aware_at=aware, **story.facts)
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

    def report(self, user: User, created: bool, added: int) -> None:
        device = TOTPDevice.objects.get(user=user, name="Application")
        secret = b32encode(device.bin_key).decode()
        if created or added:
            self.stdout.write(self.style.SUCCESS(f"Démonstration prête : {added} violation(s) ajoutée(s)."))
        else:
            self.stdout.write("La démonstration existe déjà : rien n'a été ajouté.")
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Adresse : http://127.0.0.1:8000/",
                    f"Courriel : {EMAIL}",
                    f"Mot de passe : {PASSWORD}",
                    "Second facteur :",
                    "  - code du moment : vigie demo --code",
                    f"  - ou ajoutez le compte à une application d'authentification, clé {secret}",
                    f"    ({device.config_url})",
                    f"  - codes de secours : {', '.join(RECOVERY_CODES)}",
                    f"Organisations : {GP} (Lyon) et {LAB} (Vannes), dont vous êtes propriétaire.",
                ]
            )
        )
