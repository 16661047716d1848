"""From the upload to the campaign: files encrypted and deleted, pairs reviewed, persons informed, data purged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from vigie.accounts.models import Organisation, Role, User
from vigie.audit.models import AuditEvent
from vigie.breaches.models import Breach
from vigie.campaigns import crypto
from vigie.campaigns import services as campaign_services
from vigie.campaigns.models import CampaignStatus, Recipient
from vigie.leaks import services
from vigie.leaks.models import LeakMatching, LeakPair, MatchingStatus, Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]) -> LeakMatching:
    patients, leak = files()
    return services.new_matching(breach, by=owner, leak_name=leak.name, leak_data=leak.read_bytes(),
                                 patients_name=patients.name, patients_data=patients.read_bytes())  # fmt: skip


def matched(breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]) -> LeakMatching:
    matching = upload(breach, owner, files)
    services.request_matching(matching, by=owner)  # the test task backend runs it at once
    matching.refresh_from_db()
    return matching


def test_the_uploaded_files_are_stored_encrypted_then_deleted_once_compared(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    matching = upload(breach, owner, files)
    stored = sorted(services.folder(matching).iterdir())
    assert [path.name for path in stored] == ["leak.enc", "patients.enc"]
    assert all(b"LEFEVRE" not in path.read_bytes() and b"Lef" not in path.read_bytes() for path in stored)
    assert matching.leak_mapping["birth_name"] == "nom" and matching.leak_categories["resultat"] == "health"
    services.request_matching(matching, by=owner)
    matching.refresh_from_db()
    assert matching.status == MatchingStatus.READY and not services.folder(matching).exists()
    assert matching.counts["match"] == 3 and matching.counts["review"] == 1


def test_pairs_hold_both_records_only_encrypted_and_nothing_is_logged(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    matching = matched(breach, owner, files)
    pair = LeakPair.objects.get(matching=matching, leak_line=2)
    assert b"LEFEVRE" not in bytes(pair.payload) and b"helene" not in bytes(pair.payload).lower()
    data = services.decrypt_pair(pair)
    assert data["leak"]["birth_name"] == "LEFEVRE" and data["patient"]["birth_name"] == "Lefèvre"
    assert data["patient"]["email"] == "helene.lefevre@exemple.fr"
    assert {item["trait"]: item["level"] for item in data["evidence"]}["birth_date"] == "swapped"
    assert data["categories"] == ["birth_date", "contact", "health", "identity", "national_id"]
    logged = " ".join(record.getMessage() for record in caplog.records).upper()
    assert "LEFEVRE" not in logged and "QUERE" not in logged and "NDIAYE" not in logged
    assert AuditEvent.objects.filter(action="leak.match").count() == 1


def test_a_payload_moved_to_another_matching_does_not_decrypt(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    first, second = matched(breach, owner, files), matched(breach, owner, files)
    pair = LeakPair.objects.filter(matching=first).first()
    assert pair is not None
    moved = LeakPair(matching=second, leak_line=2, patient_line=2, score=1, decision="match", payload=pair.payload)
    with pytest.raises(crypto.DecryptionFailed):
        services.decrypt_pair(moved)


def test_the_persons_found_become_a_campaign_each_with_the_categories_of_their_leaked_row(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    matching = matched(breach, owner, files)
    with pytest.raises(ValidationError, match="encore à vérifier"):
        services.inform_found(matching, by=owner)
    twin = LeakPair.objects.get(matching=matching, decision="review")
    services.review_pair(twin, accept=False, by=owner)
    campaign = services.inform_found(matching, by=owner)
    assert campaign.breach == breach and campaign.status == CampaignStatus.READY and campaign.persons_count == 3
    persons = {}
    for recipient in Recipient.objects.filter(campaign=campaign):
        data = crypto.decrypt(recipient.payload, campaign_id=campaign.pk)
        persons[data["birth_name"]] = (recipient.line, sorted(data["categories"]), recipient.has_email)
    assert persons == {
        "Lefèvre": (2, ["birth_date", "contact", "health", "identity", "national_id"], True),
        "Dupont": (3, ["birth_date", "contact", "identity"], True),
        "N'Diaye": (5, ["birth_date", "contact", "health", "identity"], True),
    }
    matching.refresh_from_db()
    assert matching.status == MatchingStatus.DONE and matching.campaign == campaign
    with pytest.raises(ValidationError):
        services.inform_found(matching, by=owner)


def test_persons_already_in_a_campaign_of_the_breach_are_not_told_twice(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    patients, leak = files()
    first, _report = campaign_services.import_path(breach, patients)
    matching = services.new_matching(breach, by=owner, leak_name=leak.name, leak_data=leak.read_bytes(),
                                     source_campaign=first)  # fmt: skip
    services.request_matching(matching, by=owner)
    services.review_pair(LeakPair.objects.get(matching=matching, decision="review"), accept=True, by=owner)
    campaign = services.inform_found(matching, by=owner)
    assert campaign.persons_count == 4 and campaign.counts()["duplicates"] == 4


def test_purging_the_campaign_purges_the_matching_and_so_does_the_retention(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    matching = matched(breach, owner, files)
    services.review_pair(LeakPair.objects.get(matching=matching, decision="review"), accept=True, by=owner)
    campaign = services.inform_found(matching, by=owner)
    campaign_services.purge_campaign(campaign, by=owner)
    matching.refresh_from_db()
    assert matching.status == MatchingStatus.PURGED
    assert not LeakPair.objects.filter(matching=matching).exclude(payload=b"").exists()
    assert LeakPair.objects.filter(matching=matching).count() == 4  # the lines and decisions stay

    other = matched(breach, owner, files)
    later = timezone.now() + timedelta(days=settings.VIGIE_CAMPAIGN_RETENTION_DAYS + 1)
    campaign_services.purge_due(now=later)  # the daily purge of the campaigns purges the matchings too
    other.refresh_from_db()
    assert other.status == MatchingStatus.PURGED
    assert AuditEvent.objects.filter(action="leak.purge").count() == 2


def test_only_members_may_upload_and_only_a_dpo_may_inform_or_purge(
    breach: Breach, owner: User, org: Organisation, make_member: Callable[..., User],
    files: Callable[..., tuple[Path, Path]],
) -> None:  # fmt: skip
    reader, member = make_member(org, Role.READONLY), make_member(org, Role.MEMBER)
    patients, leak = files()
    with pytest.raises(PermissionDenied):
        services.new_matching(breach, by=reader, leak_name="f.csv", leak_data=leak.read_bytes(),
                              patients_name="p.csv", patients_data=patients.read_bytes())  # fmt: skip
    matching = matched(breach, member, files)
    services.review_pair(LeakPair.objects.get(matching=matching, decision="review"), accept=True, by=member)
    for verb in (services.inform_found, services.purge_matching):
        with pytest.raises(PermissionDenied):
            verb(matching, by=member)


def test_a_file_that_cannot_be_read_is_refused_with_its_reason(breach: Breach, owner: User) -> None:
    with pytest.raises(ValidationError, match="image PNG"):
        services.new_matching(breach, by=owner, leak_name="fuite.csv", leak_data=b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
                              patients_name="p.csv", patients_data=b"Nom;Prenom\nA;B\n")  # fmt: skip
    with pytest.raises(ValidationError, match="CSV ou XLSX"):
        services.new_matching(breach, by=owner, leak_name="fuite.json", leak_data=b'{"a": 1}',
                              patients_name="p.csv", patients_data=b"Nom;Prenom\nA;B\n")  # fmt: skip


# --- Pages ------------------------------------------------------------------------------------------------------


def test_the_pages_go_from_the_upload_to_the_review_and_the_campaign(
    owner_client: Client, breach: Breach, org: Organisation, files: Callable[..., tuple[Path, Path]],
    htmx_headers: dict[str, str],
) -> None:  # fmt: skip
    patients, leak = files()
    index = owner_client.get(reverse("leaks:index", args=[org.pk, breach.pk]))
    assert index.status_code == 200
    with patients.open("rb") as base, leak.open("rb") as leaked:
        response = owner_client.post(reverse("leaks:new", args=[org.pk, breach.pk]), {"leak": leaked, "patients": base})
    matching = LeakMatching.objects.get(breach=breach)
    assert response.status_code == 302 and response.url == reverse("leaks:mapping", args=[org.pk, matching.pk])
    page = owner_client.get(response.url).content.decode()
    assert 'name="leak-birth_name"' in page and 'name="category-column_7"' in page
    form = {"leak-birth_name": "nom", "leak-given_names": "prenom", "leak-birth_date": "ddn", "leak-sex": "sexe",
            "leak-nir": "nss", "leak-postcode": "cp", "category-column_1": "identity", "category-column_7": "health",
            "category-column_8": "genetic", "patients-birth_name": "Nom de naissance",
            "patients-usage_name": "Nom d'usage", "patients-given_names": "Prénoms",
            "patients-birth_date": "Date de naissance", "patients-sex": "Sexe", "patients-email": "Email",
            "patients-address1": "Adresse", "patients-postcode": "Code postal", "patients-city": "Ville"}  # fmt: skip
    response = owner_client.post(reverse("leaks:mapping", args=[org.pk, matching.pk]), form)
    assert response.status_code == 302
    matching.refresh_from_db()
    assert matching.status == MatchingStatus.READY and matching.leak_categories["resultat"] == "genetic"
    progress = owner_client.get(reverse("leaks:progress", args=[org.pk, matching.pk]), **htmx_headers)
    assert b'id="progress"' in progress.content and b"<html" not in progress.content
    review = owner_client.get(reverse("leaks:review", args=[org.pk, matching.pk])).content.decode()
    assert "COEURDEVEY" in review and "Cœurdevey" in review and 'data-shortcut="a o"' in review
    assert 'class="trait disagree"' in review and 'class="trait agree"' in review
    assert AuditEvent.objects.filter(action="leak.pair_viewed").count() == 1
    pair = LeakPair.objects.get(matching=matching, decision="review")
    owner_client.post(reverse("leaks:decide", args=[org.pk, matching.pk, pair.pk]), {"verdict": "reject"})
    pair.refresh_from_db()
    assert pair.review == Review.REJECTED and pair.reviewed_by is not None
    csv = owner_client.get(reverse("leaks:matches_csv", args=[org.pk, matching.pk]))
    assert b"".join(csv.streaming_content).decode().splitlines()[0] == "leak_line;patient_line;score;decision"
    response = owner_client.post(reverse("leaks:inform", args=[org.pk, matching.pk]))
    matching.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse(
        "campaigns:detail", args=[org.pk, matching.campaign.pk]
    )


def test_a_member_without_the_dpo_role_reviews_but_does_not_inform(
    client: Client, signed_in: Callable[..., Client], breach: Breach, org: Organisation, owner: User,
    make_member: Callable[..., User], files: Callable[..., tuple[Path, Path]],
) -> None:  # fmt: skip
    matching = matched(breach, owner, files)
    signed_in(client, make_member(org, Role.MEMBER))
    assert client.get(reverse("leaks:review", args=[org.pk, matching.pk])).status_code == 200
    assert client.post(reverse("leaks:inform", args=[org.pk, matching.pk])).status_code == 403
    assert client.get(reverse("leaks:matches_csv", args=[org.pk, matching.pk])).status_code == 403


def test_a_matching_that_died_with_its_worker_runs_again_or_fails_with_a_reason(
    breach: Breach, owner: User, files: Callable[..., tuple[Path, Path]]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    alive, gone = upload(breach, owner, files), upload(breach, owner, files)
    old = timezone.now() - timedelta(hours=1)
    LeakMatching.objects.filter(pk__in=[alive.pk, gone.pk]).update(status=MatchingStatus.MATCHING, heartbeat=old)
    services._path(gone, "leak").unlink()
    assert services.recover_matchings() == 1
    alive.refresh_from_db()
    gone.refresh_from_db()
    assert alive.status == MatchingStatus.READY and alive.counts["match"] == 3
    assert gone.status == MatchingStatus.FAILED and "interrompue" in gone.error
