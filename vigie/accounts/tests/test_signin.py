"""Signing in: password, then always a second factor; lockout; throttling; recovery codes; signing out."""

from __future__ import annotations

import base64
import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts import services
from vigie.accounts.models import Role
from vigie.audit.models import AuditEvent
from vigie.conftest import PASSWORD

from .conftest import code_of, wrong_code_for

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")
RECOVERY = reverse("accounts:otp_recovery")
HOME = reverse("core:home")


def test_sign_in_page_asks_for_e_mail_and_password(client, htmx_headers):
    for headers in ({}, htmx_headers):
        response = client.get(LOGIN, **headers)
        assert response.status_code == 200
        assert 'name="username"' in response.text
        assert 'name="password"' in response.text
        assert "Mot de passe oublié" in response.text


def test_signing_in_takes_a_password_then_the_code_of_the_app(client, org, make_member, sign_in_with_password):
    user = make_member(org, Role.MEMBER, email="claire@example.fr")
    response = client.post(LOGIN, {"username": " Claire@Example.FR ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == VERIFY

    dashboard = reverse("core:dashboard", args=[org.pk])
    assert client.get(dashboard).url == VERIFY  # a password alone opens nothing

    device = TOTPDevice.objects.get(user=user)
    half_signed_in_session = client.session.session_key
    response = client.post(VERIFY, {"code": code_of(device)})
    assert response.status_code == 302
    assert response.url == HOME
    assert client.get(dashboard).status_code == 200
    assert client.session.session_key != half_signed_in_session  # a new session once fully signed in
    assert AuditEvent.objects.filter(actor=user, action="user.signed_in").count() == 1


def test_a_wrong_password_is_refused_in_french(client, owner, sign_in_with_password):
    response = sign_in_with_password(client, owner, "not the password")
    assert response.status_code == 200
    assert "ne correspondent pas" in response.text
    assert "_auth_user_id" not in client.session


def test_the_next_address_is_kept_through_both_steps(client, org, owner, sign_in_with_password):
    members = reverse("accounts:members", args=[org.pk])
    response = client.post(LOGIN, {"username": owner.email, "password": PASSWORD, "next": members})
    assert response.url == f"{VERIFY}?next={members.replace('/', '%2F')}"
    device = TOTPDevice.objects.get(user=owner)
    response = client.post(VERIFY, {"code": code_of(device), "next": members})
    assert response.url == members


def test_a_next_address_elsewhere_is_ignored(client, owner):
    response = client.post(LOGIN, {"username": owner.email, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == VERIFY


def test_a_wrong_code_is_refused(client, owner, sign_in_with_password):
    sign_in_with_password(client, owner)
    device = TOTPDevice.objects.get(user=owner)
    response = client.post(VERIFY, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "Ce code n’est pas le bon" in response.text
    assert client.get(reverse("core:home")).url == VERIFY


def test_a_code_that_is_not_six_digits_is_refused_without_counting_as_a_guess(client, owner, sign_in_with_password):
    sign_in_with_password(client, owner)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "les 6 chiffres" in response.text
    assert TOTPDevice.objects.get(user=owner).throttling_failure_count == 0


def test_wrong_codes_slow_the_device_down_even_for_the_right_code(client, owner, sign_in_with_password):
    sign_in_with_password(client, owner)
    device = TOTPDevice.objects.get(user=owner)
    client.post(VERIFY, {"code": wrong_code_for(device)})
    client.post(VERIFY, {"code": wrong_code_for(device)})  # refused unseen: the device is waiting

    response = client.post(VERIFY, {"code": code_of(device)})
    assert "Trop de codes erronés" in response.text
    assert client.get(HOME).url == VERIFY

    # Once the wait is over, the right code works again.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = timezone.now() - timedelta(minutes=5)
    device.save()
    response = client.post(VERIFY, {"code": code_of(device)})
    assert response.url == HOME


def test_a_recovery_code_works_once(client, org, owner, sign_in_with_password):
    codes = services.regenerate_recovery_codes(owner)
    assert len(codes) == 10 and len(set(codes)) == 10

    sign_in_with_password(client, owner)
    response = client.post(RECOVERY, {"code": codes[0][:4] + "-" + codes[0][4:].upper()})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard", args=[org.pk])).status_code == 200
    assert StaticDevice.objects.get(user=owner).token_set.count() == 9
    event = AuditEvent.objects.get(actor=owner, action="user.signed_in")
    assert event.detail == {"second_factor": "recovery_code", "recovery_codes_left": 9}

    client.post(reverse("accounts:logout"))
    sign_in_with_password(client, owner)
    response = client.post(RECOVERY, {"code": codes[0]})
    assert response.status_code == 200
    assert "déjà été utilisé" in response.text
    assert client.get(HOME).url == VERIFY


def test_recovery_codes_are_kept_only_as_keyed_hashes(owner, settings):
    codes = services.regenerate_recovery_codes(owner)
    stored = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # a copy of the database gives no usable code
    device = services.recovery_device(owner)
    assert device is not None
    assert services.check_code(device, codes[3])
    # The secret key is rotated, the old one kept as a fallback: codes saved before still work, once.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert services.check_code(device, codes[4])
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    assert not services.check_code(device, codes[4])
    settings.SECRET_KEY_FALLBACKS = []  # once the fallback goes, so do the codes made under it
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    assert not services.check_code(device, codes[5])


def test_the_migration_hashes_recovery_codes_kept_in_clear(owner):
    migration = importlib.import_module("vigie.accounts.migrations.0003_hash_recovery_codes")
    device = StaticDevice.objects.create(user=owner, name=services.RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    StaticToken.objects.create(device=device, token=services.recovery_digest("efgh6789"))  # already hashed
    migration.hash_codes(django_apps, None)
    assert "abcd2345" not in set(StaticToken.objects.values_list("token", flat=True))
    assert services.check_code(device, "abcd2345")
    assert services.check_code(device, "efgh6789")
    assert not device.token_set.exists()


def test_recovery_page_plain_and_htmx(client, owner, sign_in_with_password, htmx_headers):
    sign_in_with_password(client, owner)
    for headers in ({}, htmx_headers):
        response = client.get(RECOVERY, **headers)
        assert response.status_code == 200
        assert "code de secours" in response.text


def test_five_wrong_passwords_lock_the_address_from_that_network(client, owner, sign_in_with_password):
    for _ in range(4):
        response = sign_in_with_password(client, owner, "wrong password", REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200
    response = sign_in_with_password(client, owner, "wrong password", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429

    response = sign_in_with_password(client, owner, REMOTE_ADDR="192.0.2.10")  # even the right password
    assert response.status_code == 429
    assert "Connexion bloquée" in response.text
    assert "30 minutes" in response.text
    assert "_auth_user_id" not in client.session

    response = sign_in_with_password(client, owner, REMOTE_ADDR="198.51.100.7")  # elsewhere, still possible
    assert response.status_code == 302


def test_behind_the_proxy_one_attacker_cannot_lock_the_victim_out(client, owner, sign_in_with_password, settings):
    settings.VIGIE_TRUSTED_PROXIES = ["10.0.0.5"]
    attacker = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(5):
        response = sign_in_with_password(client, owner, "wrong password", **attacker)
    assert response.status_code == 429
    assert sign_in_with_password(client, owner, **attacker).status_code == 429  # the attacker stays locked out
    victim = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": "203.0.113.20"}
    response = sign_in_with_password(client, owner, **victim)
    assert response.status_code == 302  # the victim, from their own address, signs in
    assert "_auth_user_id" in client.session


def test_a_half_signed_in_user_is_sent_to_the_second_factor_from_any_organisation_page(
    client, org, owner, sign_in_with_password
):
    sign_in_with_password(client, owner)
    for name in ("core:dashboard", "accounts:organisation", "accounts:members"):
        response = client.get(reverse(name, args=[org.pk]))
        assert response.status_code == 302
        assert response.url == VERIFY


def test_a_user_without_an_app_is_sent_to_set_it_up(client, org, make_member, sign_in_with_password):
    user = make_member(org, Role.MEMBER, with_device=False)
    response = sign_in_with_password(client, user)
    assert response.url == SETUP
    assert client.get(reverse("core:dashboard", args=[org.pk])).url == SETUP


def test_setting_up_the_app_shows_a_qr_code_then_ten_recovery_codes(
    client, make_user, sign_in_with_password, htmx_headers
):
    user = make_user(with_device=False)
    sign_in_with_password(client, user)
    for headers in ({}, htmx_headers):
        response = client.get(SETUP, **headers)
        assert response.status_code == 200
        assert 'src="data:image/svg+xml' in response.text
        assert "FreeOTP" in response.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret_groups = response.context["secret_groups"]
    assert len(secret_groups) == 8 and all(len(group) == 4 for group in secret_groups)

    page = client.post(SETUP, {"code": code_of(device)})
    assert page.status_code == 200  # shown in the answer to the POST, from memory
    device.refresh_from_db()
    assert device.confirmed
    codes = page.context["codes"]
    assert len(codes) == 10
    assert all(code in page.text for code in codes)
    href = page.context["download_href"]
    assert href.startswith("data:text/plain;charset=utf-8;base64,")
    text = base64.b64decode(href.split(",", 1)[1]).decode()
    assert all(code in text for code in codes)
    assert_codes_nowhere_in_clear(client, codes)

    response = client.post(reverse("accounts:recovery_codes"), {"done": "1"})
    assert response.url == HOME
    assert client.get(reverse("accounts:recovery_codes")).context["codes"] == []  # shown once
    assert AuditEvent.objects.filter(actor=user, action="user.second_factor_enrolled").exists()
    assert AuditEvent.objects.filter(actor=user, action="user.signed_in").exists()


def assert_codes_nowhere_in_clear(client, codes):
    """Neither the session row nor any other table holds a code as the person sees or types it."""
    from django.contrib.sessions.models import Session

    raw = {code.replace("-", "") for code in codes}
    stored = Session.objects.get(session_key=client.session.session_key)
    decoded = str(stored.get_decoded())
    assert not any(code in decoded or code in stored.session_data for code in raw)
    tokens = set(StaticToken.objects.values_list("token", flat=True))
    assert tokens.isdisjoint(raw)
    assert client.get(reverse("accounts:recovery_codes")).context["codes"] == []  # a reload shows them no more


def test_a_password_alone_cannot_replace_an_existing_app(client, owner, sign_in_with_password):
    sign_in_with_password(client, owner)
    response = client.get(SETUP)
    assert response.url == VERIFY
    assert not TOTPDevice.objects.filter(user=owner, confirmed=False).exists()


def test_a_signed_in_user_can_move_to_a_new_phone(owner_client, owner):
    old = TOTPDevice.objects.get(user=owner)
    response = owner_client.get(SETUP)
    assert response.context["replacing"]
    new = TOTPDevice.objects.get(user=owner, confirmed=False)
    response = owner_client.post(SETUP, {"code": code_of(new)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=owner)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert owner_client.get(reverse("accounts:recovery_codes")).status_code == 200  # still fully signed in


def test_a_wrong_code_does_not_confirm_the_new_app(client, make_user, sign_in_with_password):
    user = make_user(with_device=False)
    sign_in_with_password(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "n’est pas le bon" in response.text
    device.refresh_from_db()
    assert not device.confirmed


def test_new_recovery_codes_replace_the_old_ones(owner_client, owner):
    old = services.regenerate_recovery_codes(owner)
    response = owner_client.post(reverse("accounts:recovery_codes"), {"regenerate": "1"})
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10
    tokens = set(StaticDevice.objects.get(user=owner).token_set.values_list("token", flat=True))
    assert tokens.isdisjoint(old)
    assert_codes_nowhere_in_clear(owner_client, new)


def test_codes_left_in_a_session_by_an_earlier_version_are_removed(owner_client):
    from vigie.accounts.signin import RECOVERY_CODES_SESSION_KEY

    session = owner_client.session
    session[RECOVERY_CODES_SESSION_KEY] = ["abcd1234"]
    session.save()
    assert owner_client.get(reverse("accounts:recovery_codes")).context["codes"] == []
    assert RECOVERY_CODES_SESSION_KEY not in owner_client.session


def test_signing_out_takes_a_post(owner_client, htmx_headers):
    assert owner_client.get(reverse("accounts:logout")).status_code == 405
    response = owner_client.post(reverse("accounts:logout"), **htmx_headers)
    assert response["HX-Redirect"] == LOGIN
    assert "_auth_user_id" not in owner_client.session


def test_signing_in_under_htmx_reloads_the_whole_page(client, owner, htmx_headers):
    response = client.post(LOGIN, {"username": owner.email, "password": PASSWORD}, **htmx_headers)
    assert response.status_code == 200
    assert response["HX-Redirect"] == VERIFY
    device = TOTPDevice.objects.get(user=owner)
    response = client.post(VERIFY, {"code": code_of(device)}, **htmx_headers)
    assert response["HX-Redirect"] == HOME


def test_a_signed_in_user_is_not_asked_to_sign_in_again(owner_client):
    assert owner_client.get(LOGIN).url == HOME
    assert owner_client.get(VERIFY).url == HOME


@pytest.mark.parametrize("name", ["otp_verify", "otp_setup", "otp_recovery", "recovery_codes"])
def test_second_factor_pages_need_a_password_first(client, name):
    response = client.get(reverse(f"accounts:{name}"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_second_factor_pages_show_plainly_and_under_htmx(client, owner, sign_in_with_password, htmx_headers):
    sign_in_with_password(client, owner)
    services.regenerate_recovery_codes(owner)
    for headers in ({}, htmx_headers):
        response = client.get(VERIFY, **headers)
        assert response.status_code == 200
        assert "Code de votre téléphone" in response.text
    client.post(VERIFY, {"code": code_of(TOTPDevice.objects.get(user=owner))})
    for headers in ({}, htmx_headers):
        response = client.get(reverse("accounts:recovery_codes"), **headers)
        assert response.status_code == 200
        assert "Il vous reste 10 codes inutilisés" in response.text


def test_a_next_address_that_is_no_url_name_does_not_crash(owner_client):
    # redirect("²") took it for the name of a view: NoReverseMatch, HTTP 500.
    for page in (LOGIN, VERIFY, RECOVERY):
        response = owner_client.get(page, {"next": "²"})
        assert response.status_code == 302
