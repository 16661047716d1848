"""In a real browser, in French: an owner creates an API token and uses it, then adds a webhook, sends it a test
event and reads the delivery log. Screenshots go to ``docs/screenshots/``."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.api.models import ApiToken, WebhookDelivery
from vigie.core.tests.browser import shoot, sign_in

from .test_webhooks import receiver, verify  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe tres long"


def test_an_owner_connects_the_labs_tools(page, live_server, receiver, settings) -> None:  # noqa: F811
    settings.VIGIE_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    base = live_server.url
    org = Organisation.objects.create(name="Laboratoire Bio Rance", kind="laboratoire", email="dpo@bio-rance.fr")
    user = User.objects.create_user("dpo@bio-rance.fr", PASSWORD, full_name="Anne Le Goff")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    Membership.objects.create(user=user, organisation=org, role=Role.OWNER)
    sign_in(page, base, user.email, PASSWORD, device, org_id=org.pk)

    # 1. From the organisation's page to its API access: a write token, shown once.
    page.goto(f"{base}/organisations/{org.pk}/parametres/")
    page.click("text=Accès à l’API")
    page.wait_for_url(re.compile(r"/api/jetons/$"))
    page.fill("input[name=name]", "SIEM du groupe")
    page.check("input[name=scope][value=write]")
    page.click("text=Créer le jeton")
    raw = page.inner_text("[data-testid=new-token]")
    assert raw.startswith("vigie_") and "Copiez-le maintenant" in page.inner_text("main")
    shoot(page, "api-1-token")
    request = urllib.request.Request(f"{base}/api/v1/", headers={"Authorization": f"Bearer {raw}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the live server, over http)
        assert json.load(answer)["token"]["name"] == "SIEM du groupe"
    page.goto(f"{base}/organisations/{org.pk}/api/jetons/")  # a GET: the token is not there any more
    assert raw not in page.content() and "SIEM du groupe" in page.inner_text("main")
    assert ApiToken.objects.get().last_used_at is not None

    # 2. A webhook to the lab's receiver; its secret shown once; a test event, delivered and signed.
    page.goto(f"{base}/organisations/{org.pk}/api/webhooks/")
    page.fill("input[name=url]", receiver.url)
    page.fill("input[name=description]", "Supervision du laboratoire")
    page.check("input[name=events][value='breach.created']")
    page.check("input[name=events][value='obligation.overdue']")
    page.click("text=Ajouter le webhook")
    secret = page.inner_text("[data-testid=secret]")
    assert secret.startswith("whsec_")
    page.click("text=Envoyer un événement de test")
    page.wait_for_selector("text=HTTP 204")
    assert "Journal des livraisons" in page.inner_text("main") and "Livrée" in page.inner_text("main")
    assert verify(secret, receiver.received[0]["headers"], receiver.received[0]["body"])["type"] == "webhook.ping"
    shoot(page, "api-2-webhook-log")

    # 3. Replayed from the log: the same message, a second try.
    page.click("text=Renvoyer")
    page.wait_for_selector("text=(renvoi)")
    assert len(receiver.received) == 2 and WebhookDelivery.objects.get().tries.count() == 2
    assert receiver.received[0]["headers"]["webhook-id"] == receiver.received[1]["headers"]["webhook-id"]
    assert page.console_errors == []
