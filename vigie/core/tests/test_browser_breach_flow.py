"""In a real browser: a GP signs in with a second factor, declares a ransomware attack through the guided
intake, sees the decision and the CNIL countdown, records the CNIL receipt number, and finds the breach in the
register export. Each step is saved as a screenshot under ``docs/screenshots/`` for the README."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.breaches.models import Breach

from .browser import shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un mot de passe tres long"


def _gp() -> tuple[User, TOTPDevice, Organisation]:
    org = Organisation.objects.create(
        name="Cabinet du Dr Lefèvre",
        kind="cabinet_medical",
        profession="medecins",
        city="Nantes",
        postcode="44000",
        cyber_insurance=True,
        dpo_email="dpo@cabinet-lefevre.fr",
    )
    user = User.objects.create_user("dr.lefevre@cabinet-lefevre.fr", PASSWORD, full_name="Dr Anne Lefèvre")
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    Membership.objects.create(user=user, organisation=org, role=Role.OWNER)
    return user, device, org


def _choose(page, name: str, value: str) -> None:
    page.check(f"input[name={name}][value={value}]")


def _continue(page) -> None:
    with page.expect_response(lambda response: response.request.method == "POST"):
        page.click("main form button.primary")


def test_gp_declares_a_ransomware_attack_and_notifies_the_cnil(page, live_server) -> None:
    user, device, org = _gp()
    base = live_server.url

    # 1. Sign in: password, then the six-digit code of the authenticator app.
    sign_in(page, base, user.email, PASSWORD, device, org_id=org.pk, screenshots="0")
    shoot(page, "03-dashboard")

    # 2. Declare: two fields, and the 72-hour clock is running.
    page.goto(f"{base}/organisations/{org.pk}/violations/nouvelle/")
    page.fill("input[name=title]", "Rançongiciel sur le serveur du cabinet")
    aware = timezone.localtime(timezone.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("input[name=became_aware_at]", aware)
    page.fill("textarea[name=awareness_note]", "Écran de rançon au matin ; le prestataire confirme le chiffrement.")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/questionnaire/"))
    breach = Breach.objects.get(organisation=org)

    # 3. The guided intake, one question at a time (htmx swaps each next step in).
    page.wait_for_url(re.compile(r"/questionnaire/evenement/"))  # becoming aware: answered when declaring
    assert "obligatoire" not in page.inner_text("main")
    page.select_option("select[name=origin]", "ransomware")
    _choose(page, "malicious", "yes")
    _choose(page, "ongoing", "no")
    _choose(page, "acting_as", "controller")
    shoot(page, "04-intake-event")
    _continue(page)
    page.wait_for_selector("input[name=breach_types]")
    for kind in ("confidentiality", "integrity", "availability"):
        page.check(f"input[name=breach_types][value={kind}]")
    _continue(page)
    page.wait_for_selector("input[name=data_categories]")
    for category in ("identity", "contact", "national_id", "health"):
        page.check(f"input[name=data_categories][value={category}]")
    _continue(page)
    page.wait_for_selector("input[name=protection]")
    _choose(page, "protection", "none")
    _choose(page, "identifiability", "direct")
    _continue(page)
    page.wait_for_selector("input[name=persons_count]")
    page.fill("input[name=persons_count]", "1800")
    _choose(page, "persons_count_is_estimate", "yes")
    page.check("input[name=person_categories][value=patients]")
    _continue(page)
    page.wait_for_selector("input[name=exfiltration]")
    _choose(page, "exfiltration", "likely")
    _choose(page, "recipient", "malicious")
    _continue(page)
    page.wait_for_selector("input[name=backup]")
    _choose(page, "backup", "yes")
    _choose(page, "impact_on_care", "yes")
    _continue(page)

    # 4. The decision: notify the CNIL and inform each patient, with a live countdown to the deadline.
    page.goto(f"{base}/organisations/{org.pk}/violations/{breach.pk}/")
    page.wait_for_selector(".countdown[data-deadline]")
    headline = page.inner_text("main")
    assert "notifier la CNIL" in headline
    assert "Risque élevé" in headline
    # The two axes and the matrix, the deciding cell outlined, each feared event placed on it.
    assert "Vraisemblance maximale × gravité maximale" in headline
    assert page.locator("table.matrix td").count() == 16
    assert page.locator("table.matrix td.deciding .event-mark").count() >= 1
    countdown = page.locator(".countdown[data-deadline]").first
    assert re.search(r"^2\s*j 2\d\s*h", countdown.inner_text()), countdown.inner_text()  # about 70 hours left
    shoot(page, "05-decision")
    # The countdown updates itself without reload: amber under 24 h, red under 6 h, late after the deadline.
    soon = (timezone.now() + timedelta(hours=5, seconds=30)).isoformat()
    countdown.evaluate("(el, when) => el.dataset.deadline = when", soon)
    page.wait_for_function("() => document.querySelector('.countdown[data-deadline]').classList.contains('red')")
    assert countdown.inner_text().startswith("05\u00a0h 00\u00a0min")
    past = (timezone.now() - timedelta(hours=1, minutes=2)).isoformat()
    countdown.evaluate("(el, when) => el.dataset.deadline = when", past)
    page.wait_for_function("() => document.querySelector('.countdown[data-deadline]').classList.contains('late')")
    assert countdown.inner_text().startswith("en retard de 01\u00a0h 02\u00a0min")

    # 5. Record the CNIL notification with its receipt number.
    page.goto(f"{base}/organisations/{org.pk}/violations/{breach.pk}/obligations/notify_cnil/")
    page.fill("input[name=reference]", "CNIL-2026-123456")
    shoot(page, "06-cnil-done-form")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(rf"/violations/{breach.pk}/$"))
    page.goto(f"{base}/organisations/{org.pk}/violations/{breach.pk}/")
    assert "CNIL-2026-123456" in page.inner_text("main")
    shoot(page, "07-decision-after-cnil")

    # 6. The register lists it, and its CSV export for French Excel carries the receipt number.
    page.goto(f"{base}/organisations/{org.pk}/violations/registre/")
    assert "Rançongiciel sur le serveur du cabinet" in page.inner_text("main")
    shoot(page, "08-register")
    with page.expect_download() as download_info:
        page.click("a[href*='registre.csv']")
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert "Rançongiciel sur le serveur du cabinet" in content
    assert "CNIL-2026-123456" in content

    # Nothing the pages did broke the Content-Security-Policy.
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
