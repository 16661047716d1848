"""Incident pages: the processor's incident with each controller's progress, the controller's alert to
acknowledge, and the portfolio of a member of several organisations.

The processor's page reads only ``services.progress`` (dates and counts); the controller's page only its own link.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from vigie.accounts.models import Organisation, Role
from vigie.accounts.params import int_or_none
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import AuthenticatedRequest, OrgRequest, after_post, render_page
from vigie.audit.services import record

from . import documents, services, uploads
from .external import send_external_alert
from .forms import AcknowledgeForm, DeclareIncidentForm, KeyColumnForm, UploadForm
from .models import ExternalAlert, ExternalController, Incident, IncidentController, Split, SplitUpload
from .portfolio import open_obligations
from .splitting import read_external


@org_view(Role.READONLY)
def index(request: OrgRequest) -> HttpResponse:
    org = request.org
    declared = Incident.objects.for_org(org).prefetch_related("controllers")
    alerts = IncidentController.objects.for_org(org).select_related("incident__processor", "breach")
    return render_page(request, "incidents/index.html", {"declared": declared, "alerts": alerts})


@org_view(Role.MEMBER)
def declare(request: OrgRequest) -> HttpResponse:
    """The processor declares an incident to controllers it belongs to as well, and to controllers not on Vigie."""
    org = request.org
    organisations = list(
        Organisation.objects.filter(memberships__user=request.user).exclude(pk=org.pk).order_by("name")
    )
    form = DeclareIncidentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.create_incident(
                org, controllers=form.controllers(), facts=form.facts(), title=form.cleaned_data["title"],
                external=form.cleaned_data["external"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Incident declared: each controller has been alerted."))
            return after_post(request, reverse("incidents:upload", args=[org.pk, incident.pk]))
    status = 400 if form.errors else 200
    return render_page(request, "incidents/declare.html", {"form": form, "organisations": organisations}, status=status)


@org_view(Role.MEMBER)
def upload(request: OrgRequest, pk: int) -> HttpResponse:
    """Upload the leaked file of the incident, to split it between its controllers."""
    incident = get_for_org(Incident.objects.all(), request.org, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        try:
            uploads.check_upload(data.name, data.size, data.read(8))
            data.seek(0)
            found = uploads.upload_leaked_file(incident, name=data.name, data=data.read(), by=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return after_post(request, reverse("incidents:upload_detail", args=[request.org.pk, found.pk]))
    status = 400 if form.errors else 200
    return render_page(request, "incidents/upload.html", {"incident": incident, "form": form}, status=status)


@org_view(Role.MEMBER)
def upload_detail(request: OrgRequest, pk: int) -> HttpResponse:
    """The uploaded file: choose the key column, check the counts per controller, confirm; then the split's status."""
    queryset = SplitUpload.objects.for_org(request.org).select_related("incident", "split")
    found = get_object_or_404(queryset, pk=pk)
    form = KeyColumnForm(request.POST or None, headers=found.headers, initial={"key_column": found.key_column})
    try:
        if request.method == "POST" and request.POST.get("action") == "confirm":
            uploads.request_split(found, by=request.user)
            return after_post(request, request.path)
        if request.method == "POST" and form.is_valid():
            uploads.choose_key_column(found, key_column=form.cleaned_data["key_column"], by=request.user)
            return after_post(request, request.path)
    except ValidationError as error:
        form.add_error(None, error)
    preview = found.preview if "rows" in (found.preview or {}) else {}  # not while counting
    names = {str(link.pk): (link.organisation.name, link.code)
             for link in found.incident.controllers.select_related("organisation")}  # fmt: skip
    outside = {str(item.pk): (item.name, item.code) for item in found.incident.external_controllers.all()}
    rows = [(*names[key], n, False) for key, n in (preview.get("controllers") or {}).items() if key in names]
    rows += [(*outside[key], n, True) for key, n in (preview.get("external") or {}).items() if key in outside]
    context = {"upload": found, "incident": found.incident, "form": form, "preview_rows": rows, "preview": preview,
               "progress": uploads.progress(found)}  # fmt: skip
    status = 400 if form.errors else 200
    return render_page(request, "incidents/upload_detail.html", context, status=status)


@org_view(Role.MEMBER)
def upload_progress(request: OrgRequest, pk: int) -> HttpResponse:
    """The progress bar of the count or the split alone (htmx polls it every two seconds); once the upload has
    left the state the page was drawn in (``?was=``), the whole page is reloaded to show the counts or the split."""
    found = get_for_org(SplitUpload.objects.select_related("incident"), request.org, pk)
    was = request.GET.get("was")
    if request.htmx and was and was != found.status:
        return HttpResponseClientRefresh()
    context = {"upload": found, "incident": found.incident, "progress": uploads.progress(found)}
    return render_page(request, "incidents/upload_detail.html#progress", context)


@org_view(Role.READONLY)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    incident = get_for_org(Incident.objects.all(), request.org, pk)
    externals = list(incident.external_controllers.order_by("pk"))
    splits = list(incident.splits.filter(finished_at__isnull=False))  # an interrupted split is resumed first
    for split in splits:
        kept = (split.counts or {}).get("external") or {}
        split.kept = [(item, kept[str(item.pk)]) for item in externals if kept.get(str(item.pk))]  # type: ignore[attr-defined]
    context = {
        "incident": incident,
        "rows": services.progress(incident),
        "events": incident.events.order_by("-at", "-pk"),
        "splits": splits,
        "externals": externals,
        "controllers_count": incident.controllers.count() + len(externals),
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


def _external(request: OrgRequest, pk: int) -> ExternalController:
    queryset = ExternalController.objects.for_org(request.org).select_related("incident__processor")
    return get_object_or_404(queryset, pk=pk)


@org_view(Role.READONLY)
def external_notice_pdf(request: OrgRequest, pk: int) -> HttpResponse:
    """The processor's copy of its notice to a controller not on Vigie."""
    external = _external(request, pk)
    return _pdf(documents.external_notice_pdf(external), f"incident-{external.incident_id}-hors-vigie-{pk}.pdf")


@org_view(Role.MEMBER)
@require_POST
def resend_external(request: OrgRequest, pk: int) -> HttpResponse:
    """Send the alert again to a controller not on Vigie (after a failure, or to remind it)."""
    external = send_external_alert(_external(request, pk), by=request.user)
    if external.alert_status == ExternalAlert.ACCEPTED:
        messages.success(request, _("The alert was accepted by the mail server."))
    else:
        messages.error(
            request, _("The alert was not sent: %(reason)s") % {"reason": external.get_alert_status_display()}
        )
    return after_post(request, reverse("incidents:detail", args=[request.org.pk, external.incident_id]))


@org_view(Role.MEMBER)
def external_rows_csv(request: OrgRequest, pk: int, split_id: int) -> HttpResponse:
    """The rows of the leaked file kept for a controller not on Vigie (CSV), to hand to it; journalled."""
    external = _external(request, pk)
    split = get_object_or_404(Split.objects.for_org(request.org), pk=split_id, incident_id=external.incident_id)
    content = read_external(split, external)
    if not content:
        raise Http404
    record("incident.external_rows_read", actor=request.user, organisation=request.org, obj=external.incident,
           detail={"external": external.pk, "split": split.pk})  # fmt: skip
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incident-{split.incident_id}-{external.pk}.csv"'
    return response


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
