"""Every upload path keeps a size limit and a type check, refused with a reason before the file is used.

The paths: the list of persons of a campaign (web and API: ``campaigns.services.check_upload``, tested in the
campaigns and API tests), the two files of a leak matching, the letterhead logo (web and API) and the ANS list
of certified hosts (staff page and ``vigie hds import``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from vigie.campaigns.models import Campaign
from vigie.compliance import forms as compliance_forms
from vigie.compliance import hds
from vigie.documents import forms as documents_forms
from vigie.documents import services as documents_services
from vigie.leaks import forms as leaks_forms
from vigie.leaks import services as leaks_services

CSV = "Nom;Prénom;Date de naissance\nMartin;Paul;01/01/1980\n".encode()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_ans_list_is_refused_when_too_large_before_being_read(monkeypatch) -> None:
    monkeypatch.setattr(hds, "MAX_BYTES", 10)
    form = compliance_forms.HdsImportForm({}, {"file": _upload("liste.csv", CSV)})
    assert not form.is_valid() and "file" in form.errors
    with pytest.raises(hds.HdsFileError):
        hds.parse_hosts(CSV, "liste.csv")


def test_the_ans_list_of_another_type_is_refused(db: None) -> None:
    with pytest.raises(hds.HdsFileError):
        hds.parse_hosts(b"%PDF-1.7 not a list", "liste.pdf")


def test_a_leaked_file_too_large_is_refused_before_being_read(monkeypatch, db: None) -> None:
    monkeypatch.setattr(leaks_forms, "MAX_BYTES", 10)
    form = leaks_forms.NewMatchingForm(
        {}, {"leak": _upload("fuite.csv", CSV), "patients": _upload("patients.csv", CSV)},
        campaigns=Campaign.objects.none(),
    )  # fmt: skip
    assert not form.is_valid()
    assert {"leak", "patients"} <= set(form.errors)


def test_a_leaked_file_of_another_type_is_refused(org, owner) -> None:
    from vigie.breaches.tests.helpers import declare_ransomware

    breach = declare_ransomware(org, owner)
    with pytest.raises(ValidationError):
        leaks_services.new_matching(
            breach, by=owner, leak_name="fuite.exe", leak_data=b"MZ\x90\x00binary", patients_name="p.csv",
            patients_data=CSV, source_campaign=None,
        )  # fmt: skip


def test_a_logo_too_large_or_not_an_image_is_refused(monkeypatch) -> None:
    big = documents_forms.LogoForm({}, {"logo": _upload("logo.png", b"x" * (documents_services.MAX_LOGO_BYTES + 1))})
    assert not big.is_valid() and "logo" in big.errors
    with pytest.raises(ValidationError):
        documents_services.clean_logo(b"%PDF-1.7 not an image")
