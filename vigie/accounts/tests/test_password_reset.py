"""Forgotten password: a link by e-mail, in French, built from SITE_URL; it works once and lifts the lockout."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import reverse

from vigie.audit.models import AuditEvent

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "un cheval de bataille agrafe"


def _link(mail_body: str) -> str:
    match = re.search(r"https?://\S+/mot-de-passe/nouveau/\S+/", mail_body)
    assert match, mail_body
    return match.group(0)


def test_the_reset_pages_show_plainly_and_under_htmx(client, htmx_headers):
    for headers in ({}, htmx_headers):
        assert client.get(RESET, **headers).status_code == 200
        assert client.get(reverse("accounts:password_reset_done"), **headers).status_code == 200
        assert client.get(reverse("accounts:password_reset_complete"), **headers).status_code == 200


def test_a_forgotten_password_is_replaced_through_a_link_sent_by_e_mail(client, owner, mailoutbox, settings):
    settings.SITE_URL = "https://vigie.example.fr"
    response = client.post(RESET, {"email": owner.email})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [owner.email]
    assert "nouveau mot de passe" in mail.subject
    assert "Bonjour" in mail.body
    link = _link(mail.body)
    assert link.startswith("https://vigie.example.fr/mot-de-passe/nouveau/")

    path = urlsplit(link).path
    response = client.get(path)
    assert response.status_code == 302  # Django moves the token out of the address first
    form_url = response.url
    response = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    assert response.status_code == 200
    assert "trop court" in response.text

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("accounts:password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(actor=owner, action="user.password_reset").exists()

    # Once only.
    response = client.get(path, follow=True)
    assert "ne fonctionne plus" in response.text

    # The new password opens the first step; the second factor is still required.
    response = client.post(reverse("accounts:login"), {"username": owner.email, "password": NEW_PASSWORD})
    assert response.url == reverse("accounts:otp_verify")


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, db, mailoutbox):
    response = client.post(RESET, {"email": "nobody@example.fr"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_a_new_password_lifts_the_lockout(client, owner, mailoutbox, sign_in_with_password):
    for _ in range(5):
        sign_in_with_password(client, owner, "wrong password")
    assert sign_in_with_password(client, owner).status_code == 429

    client.post(RESET, {"email": owner.email})
    response = client.get(urlsplit(_link(mailoutbox[0].body)).path)
    client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = sign_in_with_password(client, owner, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_verify")


def test_under_htmx_the_reset_form_redirects_the_whole_page(client, owner, mailoutbox, htmx_headers):
    response = client.post(RESET, {"email": owner.email}, **htmx_headers)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
