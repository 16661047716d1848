"""Personal data never reaches the logs: an import and a campaign, logged at DEBUG, name nobody."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from vigie.breaches.models import Breach
from vigie.campaigns import services
from vigie.campaigns.tests.conftest import smtp  # noqa: F401 (the real SMTP server fixture)

HEADER = "Nom;Prénom;Sexe;Date de naissance;NIR;Courriel;Téléphone;Adresse;Code postal;Ville"
LINES = [
    "Lefèvre;Hélène;F;12/03/1985;2 85 03 75 111 222 03;helene.lefevre@orange.fr;06 12 34 56 78;"
    "12 rue de la Paix;75002;Paris",
    "Kerjean;Gwenaëlle;F;01/02/1970;;gwenaelle.kerjean@free.fr;;4 impasse des Ajoncs;29200;Brest",
    "Moreau;Théophile;M;05/06/1990;;pas-une-adresse@;;;;",  # refused e-mail: a warning about this line
]
SECRETS = ("Lefèvre", "Hélène", "Kerjean", "Gwenaëlle", "Moreau", "Théophile", "helene.lefevre", "gwenaelle",
           "orange.fr", "pas-une-adresse", "285037511122203", "2 85 03 75", "06 12 34 56 78", "rue de la Paix",
           "Ajoncs")  # fmt: skip
# The test's own SMTP server logs what it receives: it is not Vigie.
NOT_VIGIE = ("mail.log", "asyncio")


def test_an_import_and_a_campaign_log_no_name_email_or_nir(org, owner, smtp, tmp_path, caplog) -> None:  # noqa: F811
    breach = Breach.objects.create(
        organisation=org, reference="2026-001", title="Rançongiciel", became_aware_at=timezone.now() - timedelta(days=1),
        breach_types=["confidentiality"], origin="ransomware", data_categories=["identity", "health"], created_by=owner,
    )  # fmt: skip
    path = tmp_path / "patients.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    caplog.set_level(logging.DEBUG)
    for name in ("vigie", "django", "django_tasks", "django_tasks_db"):
        caplog.set_level(logging.DEBUG, logger=name)

    campaign, report = services.import_path(breach, path)
    services.start_campaign(campaign, by=owner)

    assert report.valid >= 2 and len(smtp.messages) >= 2  # the work was really done
    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        for record in caplog.records
        if not record.name.startswith(NOT_VIGIE)
    )
    assert logged  # something was logged, and it names nobody
    assert [secret for secret in SECRETS if secret.lower() in logged.lower()] == []
