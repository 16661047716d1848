"""Incident pages: the processor's incident with each controller's progress, the controller's alert to
acknowledge, and the portfolio of a member of several organisations.

The processor's page reads only ``services.progress`` (dates and counts); the controller's page only its own link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.http import AuthenticatedRequest, OrgRequest, after_post, render_page
from vigie.accounts.models import Organisation, Role
from vigie.accounts.params import int_or_none
from vigie.accounts.scoping import get_for_org, org_view

from . import documents, services
from .forms import AcknowledgeForm
from .models import Incident, IncidentController
from .portfolio import open_obligations


@org_view(Role.READONLY)
def index(request: OrgRequest) -> HttpResponse:
    org = request.org
    declared = Incident.objects.for_org(org).prefetch_related("controllers")
    alerts = IncidentController.objects.for_org(org).select_related("incident__processor", "breach")
    return render_page(request, "incidents/index.html", {"declared": declared, "alerts": alerts})


@org_view(Role.READONLY)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    incident = get_for_org(Incident.objects.all(), request.org, pk)
    context = {
        "incident": incident,
        "rows": services.progress(incident),
        "events": incident.events.order_by("-at", "-pk"),
        "splits": incident.splits.all(),
        "now": timezone.now(),
    }
    return render_page(request, "incidents/detail.html", context)


@org_view(Role.READONLY)
def acknowledge(request: OrgRequest, pk: int) -> HttpResponse:
    queryset = IncidentController.objects.for_org(request.org).select_related("incident__processor", "breach")
    link = get_object_or_404(queryset, pk=pk)
    if request.method == "POST" and not request.membership.can_edit:
        raise PermissionDenied
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.acknowledge(link, by=request.user, aware_at=form.cleaned_data["aware_at"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Alert acknowledged: the 72-hour clock runs from your awareness."))
            return after_post(request, reverse("breaches:detail", args=[link.organisation_id, link.breach_id]))
    return render_page(request, "incidents/acknowledge.html", {"link": link, "form": form})


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@org_view(Role.READONLY)
def summary_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    """The processor's record of its incident (dates and counts per controller)."""
    incident = get_for_org(Incident.objects.select_related("processor"), request.org, pk)
    return _pdf(documents.summary_pdf(incident), f"incident-{incident.pk}-synthese.pdf")


@org_view(Role.READONLY)
def processor_notice_pdf(request: OrgRequest, pk: int, controller_id: int) -> HttpResponse:
    """The processor's copy of its notice to one controller of its incident."""
    queryset = IncidentController.objects.for_processor(request.org)
    link = get_object_or_404(queryset.select_related("incident__processor", "organisation"), incident_id=pk,
                             organisation_id=controller_id)  # fmt: skip
    return _pdf(documents.notice_pdf(link), f"incident-{pk}-notification-{controller_id}.pdf")


@org_view(Role.READONLY)
def notice_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    """The controller's notice from its processor: only its own alert."""
    queryset = IncidentController.objects.for_org(request.org)
    link = get_object_or_404(queryset.select_related("incident__processor", "organisation"), pk=pk)
    return _pdf(documents.notice_pdf(link), f"incident-{link.incident_id}-notification.pdf")


@login_required
def portfolio(request: AuthenticatedRequest) -> HttpResponse:
    rows = open_obligations(request.user)
    organisations = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    chosen = request.GET.get("organisation", "")
    chosen_id = int_or_none(chosen)
    if chosen_id is not None:
        rows = [row for row in rows if row.organisation.pk == chosen_id]
    kind = request.GET.get("obligation", "")
    kinds = sorted({(row.obligation, row.title) for row in rows if row.obligation}, key=lambda pair: pair[1])
    if kind:
        rows = [row for row in rows if row.obligation == kind]
    now = timezone.now()
    if request.GET.get("overdue"):
        rows = [row for row in rows if row.overdue(now)]
    context = {"rows": rows, "organisations": organisations, "chosen": chosen, "kind": kind, "kinds": kinds,
               "overdue_only": bool(request.GET.get("overdue")), "now": now}  # fmt: skip
    return render_page(request, "incidents/portfolio.html", context)
