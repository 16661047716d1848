"""Every change to an incident, one named function each; each owns its transaction, takes ``by=`` and writes
both journals (the processor's ``IncidentEvent``, the controller's breach ``TimelineEvent``) and the access log.

- ``create_incident(processor, *, controllers, facts, title, by) -> Incident``
- ``send_alert(link, *, by) -> IncidentController``
- ``acknowledge(link, *, by, aware_at=None) -> IncidentController``
- ``progress(incident, *, now=None) -> list[ControllerProgress]`` (what the processor may see)

The splitting of the leaked file is ``vigie.incidents.splitting.split_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vigie.accounts.models import Membership, Organisation, Role, User
from vigie.audit.services import record
from vigie.breaches import journal as j
from vigie.breaches.models import Breach, EventKind, Origin, TimelineEvent
from vigie.breaches.services import alert_recipients, declare_breach, update_facts
from vigie.breaches.wording import moment
from vigie.campaigns.models import Recipient

from .facts import as_json, check_facts
from .models import ExternalController, Incident, IncidentController, IncidentEvent, IncidentEventKind


def _french() -> translation.override:
    # Journals and e-mails are records kept in French, whatever the language of the screen.
    return translation.override(settings.LANGUAGE_CODE)


def _require(user: User | None, org: Organisation, role: str) -> None:
    if user is None:
        return  # the command line acts with the operator's authority
    membership = Membership.objects.filter(user=user, organisation=org).first()
    if membership is None or not membership.has_role(role):
        raise PermissionDenied


def _incident_event(
    incident: Incident, kind: str, message: j.Piece, *, by: User | None, data: dict[str, Any] | None = None
) -> IncidentEvent:
    return IncidentEvent.write([message], incident=incident, kind=kind, author=by, data=data or {})


def _breach_event(
    breach: Breach, kind: str, message: j.Piece, *, by: User | None, data: dict[str, Any] | None = None
) -> TimelineEvent:
    return TimelineEvent.write([message], breach=breach, kind=kind, author=by, data=data or {})


# --- Declaring ------------------------------------------------------------------------------------------------


def _checked_controllers(
    processor: Organisation, controllers: list[tuple[Organisation, str]], codes: set[str]
) -> list[tuple[Organisation, str]]:
    out: list[tuple[Organisation, str]] = []
    orgs: set[int] = set()
    for org, given in controllers:
        code, key = " ".join(str(given).split()), normalise_code(given)
        if not key:
            raise ValidationError(_("Each controller needs its code in the leaked file."))
        if org.pk == processor.pk:
            raise ValidationError(_("The processor cannot be one of its own controllers."))
        if org.pk in orgs:
            raise ValidationError(_("Organisation %(name)s is named twice.") % {"name": org.name})
        if key in codes:
            raise ValidationError(_("The code %(code)s is given to two controllers.") % {"code": code})
        orgs.add(org.pk)
        codes.add(key)
        out.append((org, code))
    return out


def normalise_code(value: str) -> str:
    """A controller's code as compared with the key column: trimmed, case and inner spaces ignored."""
    return " ".join(str(value).split()).casefold()


def create_incident(
    processor: Organisation,
    *,
    controllers: list[tuple[Organisation, str]],
    facts: Any,
    title: str,
    by: User | None,
    external: list[tuple[str, str, str]] | None = None,
    connection: Any = None,
) -> Incident:
    """Declare an incident for N controllers: in each, a breach pre-filled with the processor's facts, then the
    art. 33(2) alert to its owners and DPO (``send_alert``). ``external``: controllers not on Vigie, as
    ``(name, email, code)``; each gets the notice as a PDF by e-mail (``external.send_external_alert``).

    The controller's clock is provisionally the moment of the alert (the earliest it can be aware of it); its
    acknowledgement (``acknowledge``) records its awareness. ``facts`` are checked like a breach's
    (``facts.check_facts``); nothing is created when anything is wrong.
    """
    _require(by, processor, Role.MEMBER)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the incident a title."))
    from .external import check_external, send_external_alert

    checked = check_facts(facts)
    if not controllers and not external:
        raise ValidationError(_("Name at least one controller."))
    codes: set[str] = set()
    pairs = _checked_controllers(processor, controllers, codes)
    outside = check_external(list(external or []), codes)
    now = timezone.now()
    with transaction.atomic():
        incident = Incident.objects.create(
            processor=processor, title=title[:200], facts=as_json(checked), created_by=by
        )
        with _french():
            _incident_event(
                incident,
                IncidentEventKind.DECLARED,
                j.ngettext(
                    "Incident declared for %(n)d controller.",
                    "Incident declared for %(n)d controllers.",
                    len(pairs) + len(outside),
                    n=len(pairs) + len(outside),
                ),
                by=by,
                data={"controllers": [org.pk for org, _code in pairs], "external": [code for *_x, code in outside]},
            )
            links = []
            for org, code in pairs:
                breach_facts = {"origin": Origin.PROCESSOR_INCIDENT, **checked}
                breach = declare_breach(
                    org,
                    by=by,
                    title=title[:200],
                    became_aware_at=now,
                    awareness_note=_(
                        "Alert from the processor %(processor)s on %(moment)s; to be confirmed when the alert is "
                        "acknowledged."
                    )
                    % {"processor": processor.name, "moment": moment(now)},
                    processor_informed_at=now,
                    processor_name=processor.name[:200],
                    **breach_facts,
                )
                links.append(IncidentController.objects.create(incident=incident, organisation=org, code=code,
                                                               breach=breach))  # fmt: skip
        externals = [ExternalController.objects.create(incident=incident, name=name, email=email, code=code)
                     for name, email, code in outside]  # fmt: skip
        record("incident.declared", actor=by, organisation=processor, obj=incident,
               detail={"controllers": [org.pk for org, _code in pairs], "external": len(outside)})  # fmt: skip
    for link in links:
        send_alert(link, by=by, now=now, connection=connection)
    for item in externals:
        send_external_alert(item, by=by, connection=connection)
    incident.refresh_from_db()
    return incident


# --- Alerting and acknowledging -------------------------------------------------------------------------------


def acknowledge_url(link: IncidentController) -> str:
    return settings.SITE_URL + reverse("incidents:acknowledge", args=[link.organisation_id, link.pk])


def send_alert(
    link: IncidentController, *, by: User | None, now: datetime | None = None, connection: Any = None
) -> IncidentController:
    """E-mail the art. 33(2) alert to the controller, with the link to acknowledge it; journal it on both sides.

    Sent again, it is journalled again (a reminder of an alert left unacknowledged). ``connection``: an e-mail
    connection of one's own (the demo keeps its alerts in memory).
    """
    link = IncidentController.objects.select_related("incident__processor", "organisation", "breach").get(pk=link.pk)
    incident, org = link.incident, link.organisation
    recipients = alert_recipients(org)
    now = now or timezone.now()
    with _french():
        context = {
            "incident": incident,
            "processor": incident.processor,
            "organisation": org,
            "breach": link.breach,
            "url": acknowledge_url(link),
            "sent": moment(now),
        }
        subject = _("[Vigie] Breach alert from your processor %(processor)s") % {"processor": incident.processor.name}
        body = render_to_string("incidents/email/alert.txt", context)
        with transaction.atomic():
            if recipients:
                send_mail(subject, body, None, recipients, connection=connection)
            IncidentController.objects.filter(pk=link.pk).update(alert_sent_at=now)
            who = ", ".join(recipients) or j.word(gettext_noop("nobody (no owner, DPO or DPO address)"))
            _breach_event(
                link.breach,
                EventKind.PROCESSOR_ALERT,
                j.say(
                    gettext_noop("Alert from the processor %(processor)s received (GDPR art. 33(2)), sent to %(who)s."),
                    processor=incident.processor.name,
                    who=who,
                ),
                by=None,
                data={"incident": incident.pk, "recipients": len(recipients)},
            )
            _incident_event(
                incident,
                IncidentEventKind.ALERT_SENT,
                j.ngettext("Alert sent to %(organisation)s (%(n)d recipient).",
                           "Alert sent to %(organisation)s (%(n)d recipients).", len(recipients),
                           organisation=org.name, n=len(recipients)),
                by=by,
                data={"organisation": org.pk, "recipients": len(recipients)},
            )  # fmt: skip
            record("incident.alert_sent", actor=by, organisation=incident.processor, obj=incident,
                   detail={"controller": org.pk, "recipients": len(recipients)})  # fmt: skip
    link.refresh_from_db()
    return link


def acknowledge(link: IncidentController, *, by: User | None, aware_at: datetime | None = None) -> IncidentController:
    """The controller acknowledges the alert: its awareness is recorded (now, or the earlier moment it gives) and
    its breach's 72-hour clock runs from it (GDPR art. 33(1); EDPB 9/2022 §2.1)."""
    _require(by, link.organisation, Role.MEMBER)
    now = timezone.now()
    aware_at = aware_at or now
    if timezone.is_naive(aware_at):
        raise ValueError("aware_at must be an aware datetime")
    if aware_at > now:
        raise ValidationError({"aware_at": _("This moment is in the future.")})
    with transaction.atomic():
        link = (
            IncidentController.objects.select_for_update()
            .select_related("incident__processor", "organisation", "breach")
            .get(pk=link.pk)
        )
        if link.acknowledged_at is not None:
            raise ValidationError(_("This alert has already been acknowledged."))
        link.acknowledged_at, link.acknowledged_by = now, by
        link.save(update_fields=["acknowledged_at", "acknowledged_by"])
        incident, org = link.incident, link.organisation
        with _french():
            note = _("Alert from the processor %(processor)s acknowledged on %(moment)s.") % {
                "processor": incident.processor.name,
                "moment": moment(now),
            }
            update_facts(link.breach, by=by, changes={"became_aware_at": aware_at, "awareness_note": note})
            _breach_event(
                link.breach,
                EventKind.ALERT_ACKNOWLEDGED,
                j.say(
                    gettext_noop(
                        "Processor's alert acknowledged; awareness on %(moment)s: the 72-hour clock runs from it."
                    ),
                    moment=j.moment(aware_at),
                ),
                by=by,
                data={"incident": incident.pk, "became_aware_at": aware_at.isoformat()},
            )
            _incident_event(
                incident,
                IncidentEventKind.ACKNOWLEDGED,
                j.say(gettext_noop("%(organisation)s acknowledged the alert."), organisation=org.name),
                by=None,  # the processor is not told who, at the controller, acknowledged
                data={"organisation": org.pk},
            )
        record("incident.acknowledged", actor=by, organisation=org, obj=link.breach, detail={"incident": incident.pk})
    return link


# --- What the processor sees ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ControllerProgress:
    """One controller's progress as its processor may see it: dates and counts, nothing of the persons."""

    organisation_id: int
    organisation: str
    code: str
    breach_id: int
    alert_sent_at: datetime | None
    acknowledged_at: datetime | None
    cnil_required: bool | None
    cnil_deadline: datetime | None
    cnil_notified_at: datetime | None
    persons_informed: int
    persons_total: int
    overdue: int
    closed: bool

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return timezone.localtime(value).isoformat() if value else None

        return {
            "organisation": self.organisation_id,
            "name": self.organisation,
            "code": self.code,
            "breach": self.breach_id,
            "alert_sent_at": iso(self.alert_sent_at),
            "acknowledged_at": iso(self.acknowledged_at),
            "cnil": {
                "required": self.cnil_required,
                "deadline": iso(self.cnil_deadline),
                "notified": self.cnil_notified_at is not None,
                "notified_at": iso(self.cnil_notified_at),
            },
            "persons": {"informed": self.persons_informed, "total": self.persons_total},
            "overdue": self.overdue,
            "closed": self.closed,
        }


def progress(incident: Incident, *, now: datetime | None = None) -> list[ControllerProgress]:
    """Each controller's progress, in the order they were named."""
    now = now or timezone.now()
    links = incident.controllers.select_related("organisation", "breach").order_by("pk")
    out = []
    for link in links:
        breach = link.breach
        rows = breach.obligation_rows()
        cnil = next((row for row in rows if row.id == "notify_cnil"), None)
        counts = Recipient.objects.filter(campaign__breach=breach).counts()
        out.append(
            ControllerProgress(
                organisation_id=link.organisation_id,
                organisation=link.organisation.name,
                code=link.code,
                breach_id=breach.pk,
                alert_sent_at=link.alert_sent_at,
                acknowledged_at=link.acknowledged_at,
                cnil_required=None if cnil is None else cnil.applies,
                cnil_deadline=breach.cnil_deadline,
                cnil_notified_at=cnil.state.done_at if cnil is not None and cnil.state is not None else None,
                persons_informed=counts["sent"] + counts["letters"],
                persons_total=counts["total"] - counts["duplicates"],
                overdue=sum(1 for row in rows if row.overdue(now)),
                closed=breach.is_closed,
            )
        )
    return out


def incidents_for(org: Organisation) -> Any:
    """The incidents an organisation declared as processor, or is a controller of."""
    return Incident.objects.filter(Q(processor=org) | Q(controllers__organisation=org)).distinct()
