"""The demo's software vendor and three of its lab clients: one incident, its alerts, a small leaked file split.

Called by ``vigie demo`` (``add_demo_incident``); idempotent: nothing is added when the incident exists.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import get_connection
from django.utils import timezone

from vigie.accounts.models import Membership, Organisation, OrganisationKind, Profession, Role, User

from .models import Incident
from .services import acknowledge, create_incident
from .splitting import split_file

# The account ``vigie demo`` creates (vigie/core/management/commands/demo.py; core may import incidents, not back).
DEMO_EMAIL = "demo@vigie.test"
VENDOR = "LaboSoft (éditeur du logiciel de laboratoire)"
TITLE = "Faille du portail de résultats LaboSoft"
# (name, code in the leaked file, city); the first is the demo's own lab.
LABS = (
    ("Laboratoire Bio Armor", "ARMOR", "Vannes"),
    ("Laboratoire des Remparts", "REMPARTS", "Saint-Malo"),
    ("Biolab Côte d'Émeraude", "EMERAUDE", "Dinard"),
)
# A client lab that has no organisation on this Vigie: alerted by e-mail with the notice as a PDF.
OUTSIDE = ("Laboratoire de l'Odet", "dpo@labo-odet.test", "ODET")
FACTS = {
    "occurred_at": None,
    "breach_types": ["confidentiality"],
    "origin": "hacking",
    "malicious": True,
    "data_categories": ["identity", "contact", "birth_date", "health"],
    "person_categories": ["patients"],
    "persons_count": 1200,
    "persons_count_is_estimate": True,
    "exfiltration": "confirmed",
    "identifiability": "direct",
    "protection": "none",
    "description": (
        "Une faille du portail de résultats LaboSoft a permis à un tiers de télécharger les comptes rendus "
        "d'analyses de trois laboratoires clients."
    ),
    "measures_taken": "Portail fermé, faille corrigée, mots de passe des comptes réinitialisés.",
}
GIVEN = ("Anne", "Yann", "Maëlle", "Erwan", "Nolwenn", "Loïc", "Gwenaëlle", "Tanguy", "Soazig", "Ronan")
NAMES = ("Le Gall", "Le Bihan", "Tanguy", "Guillou", "Le Goff", "Morvan", "Kerjean", "Le Roux", "Riou", "Cadiou")


def _leaked_file() -> bytes:
    """33 rows: ten per lab on Vigie, three of the lab not on Vigie, and two of a code no lab of the incident has
    (reported, kept)."""
    codes = [code for _name, code, _city in LABS]
    lines = ["Code labo;Nom;Prénom;Sexe;Date de naissance;Courriel;Code postal;Ville;Examen"]
    for n in range(33):
        code = codes[n % 3] if n not in (7, 19) else "QUIMPER"
        code = OUTSIDE[2] if n >= 30 else code
        sex = "F" if n % 2 else "M"
        lines.append(f"{code};{NAMES[n % 10]};{GIVEN[(n * 3) % 10]};{sex};{1 + n % 28:02d}/{1 + n % 12:02d}/19{50 + n};"
                     f"patient{n}@exemple-patient.fr;56000;Vannes;Bilan sanguin")  # fmt: skip
    return ("\n".join(lines) + "\n").encode("utf-8")


def add_demo_incident(user: User) -> int:
    """The vendor (the demo user is its owner), the labs (DPO of the two others, as a DPO firm would be), the
    incident alerted to all three, acknowledged by the demo's own lab, the leaked file split. Returns 1 if added."""
    vendor, _created = Organisation.objects.get_or_create(name=VENDOR, defaults={"kind": OrganisationKind.OTHER,
                                                                                 "city": "Rennes"})  # fmt: skip
    Membership.objects.get_or_create(user=user, organisation=vendor, defaults={"role": Role.OWNER})
    if Incident.objects.for_org(vendor).filter(title=TITLE).exists():
        return 0
    labs = []
    for name, _code, city in LABS:
        lab, _created = Organisation.objects.get_or_create(
            name=name, defaults={"kind": OrganisationKind.LABORATOIRE, "profession": Profession.PHARMACIENS,
                                 "city": city, "dpo_email": "dpo@vigie.test"},
        )  # fmt: skip
        Membership.objects.get_or_create(user=user, organisation=lab, defaults={"role": Role.DPO})
        labs.append(lab)
    facts = {key: value for key, value in FACTS.items() if value is not None}
    facts["occurred_at"] = (timezone.now() - timedelta(days=3)).isoformat()
    incident = create_incident(
        vendor, controllers=[(lab, code) for lab, (_name, code, _city) in zip(labs, LABS, strict=True)],
        facts=facts, title=TITLE, by=user, external=[OUTSIDE], connection=get_connection("django.core.mail.backends.locmem.EmailBackend"),
    )  # fmt: skip
    acknowledge(incident.controllers.get(organisation=labs[0]), by=user)
    split_file(incident, _leaked_file(), key_column="Code labo", by=user, name="export-portail-labosoft.csv")
    return 1
