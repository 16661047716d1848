"""Pages and downloads that carry the persons' data are never kept by a browser or proxy cache."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.campaigns import services

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives


def test_the_persons_ledger_and_letters_are_never_cached(owner_client, org, imported, owner) -> None:
    campaign = imported(2, email=False)
    services.start_campaign(campaign, by=owner)
    persons = owner_client.get(reverse("campaigns:persons", args=[org.pk, campaign.pk]))
    assert "NOM00001X" in persons.content.decode()
    assert_not_stored(persons)
    for fmt in ("csv", "pdf"):
        ledger = owner_client.get(reverse("campaigns:ledger", args=[org.pk, campaign.pk, fmt]))
        assert ledger.status_code == 200
        assert_not_stored(ledger)
    for kind in ("pdf", "manifeste"):
        letters = owner_client.get(reverse("campaigns:letter_file", args=[org.pk, campaign.pk, 1, kind]))
        assert letters.status_code == 200
        assert_not_stored(letters)


def test_every_page_of_a_signed_in_person_is_never_cached(owner_client, org, breach, htmx_headers) -> None:
    for headers in ({}, htmx_headers):
        assert_not_stored(owner_client.get(reverse("breaches:detail", args=[org.pk, breach.pk]), **headers))
        assert_not_stored(owner_client.get(reverse("campaigns:index", args=[org.pk, breach.pk]), **headers))


def test_public_pages_keep_their_caching(client) -> None:
    assert "no-store" not in client.get(reverse("accounts:password_reset")).get("Cache-Control", "")
