"""Controllers of an incident that have no organisation on this Vigie (issue 16: "controllers not on the instance").

- ``check_external(processor, external, codes) -> list[tuple[str, str, str]]``: names, addresses and codes checked;
- ``send_external_alert(external, *, by, connection=None) -> ExternalController``: the processor's notice as a PDF
  attached to an e-mail sent through Django's mail, the outcome journalled.

Only a mail server's acceptance counts as sent (``ExternalAlert.ACCEPTED``): a refusal or a lost connection is a
failure, with its reason; a backend that delivers nothing (console, in memory: no ``EMAIL_HOST``) leaves the alert
"not sent: no mail server configured". The e-mail is sent outside any transaction, after the attempt is recorded:
a process killed while sending leaves the attempt visible, never a false "sent".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.breaches.wording import moment
from vigie.campaigns.mail import classify, delivers

from . import documents
from .models import ExternalAlert, ExternalController, IncidentEvent, IncidentEventKind
from .services import _french, _require, normalise_code


def check_external(external: list[tuple[str, str, str]], codes: set[str]) -> list[tuple[str, str, str]]:
    """Each controller not on Vigie as ``(name, email, code)``, trimmed; ``codes`` holds the normalised codes
    already given (to the controllers on Vigie) and receives these."""
    out = []
    for name, email, given in external:
        name, email = " ".join(str(name).split()), str(email).strip().lower()
        code, key = " ".join(str(given).split()), normalise_code(given)
        if not name:
            raise ValidationError(_("Each controller not on Vigie needs its name."))
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("%(name)s: %(email)s is not an e-mail address.") % {"name": name, "email": email}
            ) from None
        if not key:
            raise ValidationError(_("Each controller needs its code in the leaked file."))
        if key in codes:
            raise ValidationError(_("The code %(code)s is given to two controllers.") % {"code": code})
        codes.add(key)
        out.append((name[:200], email, code[:100]))
    return out


def _error(error: Exception) -> str:
    """What the mail server answered, or what went wrong on the way, in words (as the campaigns' ledger says it)."""
    return " ".join(classify(error).response.split())[:500]


def send_external_alert(external: ExternalController, *, by: User | None, connection: Any = None) -> ExternalController:
    """E-mail the art. 33(2) alert to a controller not on Vigie, the processor's notice attached as a PDF; record
    what the mail server answered in the incident's journal and the access log. Sent again after a failure, the
    new attempt is journalled as well."""
    external = ExternalController.objects.select_related("incident__processor").get(pk=external.pk)
    incident, processor = external.incident, external.incident.processor
    _require(by, processor, Role.MEMBER)
    backend = connection or get_connection()
    backend_path = f"{type(backend).__module__}.{type(backend).__qualname__}"
    now = timezone.now()
    ExternalController.objects.filter(pk=external.pk).update(alert_attempted_at=now)
    external.alert_attempted_at = now
    with _french():
        pdf = documents.external_notice_pdf(external)
        context = {"incident": incident, "processor": processor, "external": external, "sent": moment(now)}
        subject = _("Personal data breach at your processor %(processor)s (GDPR art. 33(2))") % {
            "processor": processor.name
        }
        body = render_to_string("incidents/email/external_alert.txt", context)
    reply_to = [address for address in (processor.dpo_email or processor.email,) if address]
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [external.email], reply_to=reply_to,
                           connection=backend)  # fmt: skip
    message.attach(f"incident-{incident.pk}-notification.pdf", pdf, "application/pdf")
    error = ""
    if not delivers(backend_path):
        status = ExternalAlert.NOT_DELIVERED
    else:
        try:
            accepted = message.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 (any failure of the transport is recorded as such)
            status, error = ExternalAlert.FAILED, _error(exc)
        else:
            status = ExternalAlert.ACCEPTED if accepted == 1 else ExternalAlert.FAILED
            if status == ExternalAlert.FAILED:
                error = "le serveur n'a pas accepté le message"
    with transaction.atomic(), _french():
        ExternalController.objects.filter(pk=external.pk).update(
            alert_status=status,
            alert_error=error,
            **({"alert_sent_at": now} if status == ExternalAlert.ACCEPTED else {}),
        )
        what = {
            ExternalAlert.ACCEPTED: gettext_noop(
                "Alert e-mailed to %(name)s (not on Vigie) at %(email)s, notice attached: accepted by the mail server."
            ),
            ExternalAlert.FAILED: gettext_noop(
                "Alert e-mail to %(name)s (not on Vigie) at %(email)s failed: %(error)s."
            ),
            ExternalAlert.NOT_DELIVERED: gettext_noop(
                "Alert to %(name)s (not on Vigie) at %(email)s not sent: no mail server is configured."
            ),
        }[status]
        IncidentEvent.write(
            [j.say(what, name=external.name, email=external.email, error=error)],
            incident=incident,
            kind=IncidentEventKind.EXTERNAL_ALERT,
            author=by,
            data={"external": external.pk, "status": str(status), "error": error},
        )
        record("incident.external_alert", actor=by, organisation=processor, obj=incident,
               detail={"external": external.pk, "status": str(status)})  # fmt: skip
    external.refresh_from_db()
    return external
