"""Every document renders for every demo breach, in every format it offers, with its legally required items."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from vigie.breaches.models import Breach
from vigie.documents.dossier import build_dossier, validate_dossier
from vigie.documents.render import KINDS, render

from .pdftext import pdf_text

pytestmark = pytest.mark.django_db

# What each PDF must say whatever the breach (GDPR art. 33(3), 34(2); the identity of the sender).
REQUIRED = {
    "cnil-initial": ["33", "délégué", "mesures"],
    "letter": ["CNIL", "réclamation"],
    "complaint": ["plainte"],
    "register-extract": ["registre"],
}


def test_every_document_of_every_demo_breach_renders(capsys) -> None:
    call_command("demo")
    capsys.readouterr()
    breaches = list(Breach.objects.select_related("organisation"))
    assert len(breaches) >= 7
    rendered = 0
    for breach in breaches:
        dossier = build_dossier(breach)
        assert validate_dossier(dossier) == [], breach.reference
        for kind in KINDS.values():
            for fmt in kind.formats:
                output = render(kind.slug, dossier, fmt)
                assert output, (breach.reference, kind.slug, fmt)
                rendered += 1
                if fmt != "pdf":
                    continue
                text = " ".join(pdf_text(output).split())
                assert breach.organisation.name in text, (breach.reference, kind.slug)
                for item in REQUIRED.get(kind.slug, []):
                    assert item.lower() in text.lower(), (breach.reference, kind.slug, item)
    assert rendered > len(breaches) * len(KINDS)


def test_first_pages_of_a_demo_breach_are_the_readmes_screenshots(capsys) -> None:
    """The README shows each document of the lab's ransomware (``docs/screenshots/document-<kind>.png``)."""
    from vigie.core.tests.browser import SCREENSHOTS

    call_command("demo")
    capsys.readouterr()
    breach = Breach.objects.get(title="Rançongiciel sur le serveur de résultats")
    dossier = build_dossier(breach)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for kind, spec in KINDS.items():
        if "pdf" in spec.formats:
            png = render(kind, dossier, "png")
            assert png.startswith(b"\x89PNG")
            (SCREENSHOTS / f"document-{kind}.png").write_bytes(png)
