"""Protection of the persons' data: encrypted at rest, purged after the campaign, keys rotated."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from django.db import connection
from django.utils import timezone

from vigie.campaigns import crypto, services
from vigie.campaigns.models import CampaignStatus, DeliveryEvent, EventKind, Recipient, State

pytestmark = pytest.mark.django_db


def _raw_table() -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Recipient._meta.db_table}")  # noqa: S608
        return repr(cursor.fetchall()).encode()


def test_a_raw_read_of_the_database_shows_no_name_email_or_address(imported) -> None:
    imported(3)
    raw = _raw_table()
    assert Recipient.objects.count() == 3
    for secret in (b"Nom00001", b"NOM00001", b"patient1@", b"rue des Lilas", b"RUE DES LILAS", b"1970"):
        assert secret not in raw


def test_a_payload_moved_to_another_campaign_does_not_decrypt(imported) -> None:
    recipient = Recipient.objects.filter(campaign=imported(1)).get()
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(recipient.payload, campaign_id=recipient.campaign_id + 1)


def test_the_same_person_has_the_same_blind_index_and_is_not_told_twice(imported) -> None:
    first, second = imported(2), imported(3)
    assert second.counts()["duplicates"] == 2
    assert second.import_report["already_informed"] == 2
    hashes = set(Recipient.objects.filter(campaign=first).values_list("identity_hash", flat=True))
    assert len(hashes) == 2 and all(len(value) == 32 for value in hashes)


def test_the_purge_erases_the_persons_and_keeps_the_proof(smtp, imported, owner) -> None:
    smtp.answers = ["550 5.1.1 <patient1@exemple-patient.fr>: Recipient address rejected"]
    campaign = imported(2, address=False)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    services.purge_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PURGED and campaign.purged_at
    rows = Recipient.objects.filter(campaign=campaign)
    assert not rows.exclude(payload=b"").exists()
    assert rows.filter(state=State.SENT, sent_at__isnull=False, smtp_response__startswith="250").count() == 1
    failed = rows.get(state=State.FAILED)
    assert failed.smtp_response.startswith("550") and "patient1" not in failed.smtp_response
    assert not DeliveryEvent.objects.filter(campaign=campaign, detail__contains="patient1").exists()
    assert DeliveryEvent.objects.filter(campaign=campaign, kind=EventKind.PURGED).exists()
    assert b"patient" not in _raw_table()
    assert campaign.counts()["sent"] == 1


def test_campaigns_past_their_retention_are_purged(smtp, imported, owner) -> None:
    campaign = imported(1)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.purge_after > timezone.now()
    assert services.purge_due() == 0
    assert services.purge_due(now=campaign.purge_after) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PURGED


def test_rotating_the_key_re_encrypts_everything_under_the_new_key(imported, settings) -> None:
    campaign = imported(3)
    old = crypto.current_key()
    new = crypto.new_key()
    settings.VIGIE_DATA_KEY = f"{new},{crypto.TEST_KEY}"
    assert services.rotate_keys() == 3
    current = crypto.current_key()
    assert current.id != old.id
    for recipient in Recipient.objects.filter(campaign=campaign):
        assert crypto.key_id_of(bytes(recipient.payload)) == current.id
    settings.VIGIE_DATA_KEY = new  # the old key is gone: everything still decrypts
    data = crypto.decrypt(Recipient.objects.filter(campaign=campaign).first().payload, campaign_id=campaign.pk)
    assert data["given_names"] == "Prénom1"
    assert services.rotate_keys() == 0  # nothing left under an old key


def test_in_development_a_key_file_is_created_once_readable_only_by_its_owner(settings, tmp_path) -> None:
    settings.TESTING, settings.DATA_DIR, settings.VIGIE_DATA_KEY = False, tmp_path, ""
    key = crypto.current_key()
    path = tmp_path / "data.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(base64.b64decode(path.read_text().strip())) == 32
    assert crypto.current_key().id == key.id


def test_production_refuses_to_run_without_a_key(settings) -> None:
    settings.TESTING, settings.PRODUCTION, settings.VIGIE_DATA_KEY, settings.VIGIE_DATA_KEY_FILE = False, True, "", ""
    with pytest.raises(crypto.KeyMissing):
        crypto.current_key()


def test_after_a_key_rotation_persons_of_a_purged_campaign_are_still_found_already_informed(
    smtp, imported, owner, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # the rotation reads every campaign's files: only this test's
    campaign = imported(3)
    services.start_campaign(campaign, by=owner)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE
    services.purge_campaign(campaign, by=owner)
    new = crypto.new_key()
    settings.VIGIE_DATA_KEY = f"{new},{crypto.TEST_KEY}"
    assert services.rotate_keys() == 3  # the purged rows' hashes too
    settings.VIGIE_DATA_KEY = new  # the old key is removed, as the rotation's instructions say
    assert set(Recipient.objects.filter(campaign=campaign).values_list("identity_key_id", flat=True)) == {
        crypto.current_key().hex_id
    }
    again = imported(3)
    assert again.import_report["already_informed"] == 3
    assert again.counts()["duplicates"] == 3
    assert services.rotate_keys() == 0


def test_the_blind_index_is_moved_to_a_new_key_without_the_identity_key() -> None:
    old, new = crypto.current_key(), crypto.DataKey.from_b64(crypto.new_key())
    moved = crypto.rekey_index(crypto.blind_index("DUPONT|JEAN|1970-03-12", key=old), old=old, new=new)
    assert moved == crypto.blind_index("DUPONT|JEAN|1970-03-12", key=new)
    assert moved != crypto.blind_index("DUPONT|JEAN|1970-03-12", key=old)


def test_the_blind_indexes_of_a_chunk_are_those_of_each_person() -> None:
    key = crypto.current_key()
    texts = ["DUPONT|JEAN|1970-03-12", "", "MARTIN|ÉLODIE|1985-01-01", "DUPONT|JEAN|1970-03-12"]
    assert crypto.blind_indexes(texts, key=key) == [crypto.blind_index(text, key=key) for text in texts]
    assert len(set(crypto.blind_indexes(texts, key=key))) == 3 and crypto.blind_indexes([], key=key) == []
