"""Campaign pages: upload and map a list, follow the sending live, pause, resume, prove, purge.

Every page that shows the persons (their list, the ledger, the letters) writes to the access log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from vigie.accounts.models import Role
from vigie.accounts.params import int_or_none
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post, render_page
from vigie.audit.services import record
from vigie.breaches.models import Breach

from . import crypto, deposits, exports, letters, services
from .forms import DepositForm, MappingForm, RulesForm, UploadForm
from .mail import delivers
from .messages import full_name
from .models import Campaign, CampaignStatus, Channel, LetterBatch, LetterDeposit, Recipient, State


def progress_context(campaign: Campaign) -> dict[str, Any]:
    """Counts, share done, rate since the start and time left, for the progress bar."""
    counts = campaign.counts()
    total = counts["total"] - counts["duplicates"]
    done = total - counts["pending"]
    rate = eta = None
    if campaign.started_at and done and campaign.status == CampaignStatus.RUNNING:
        elapsed = max((timezone.now() - campaign.started_at).total_seconds(), 1.0)
        rate = done / elapsed
        eta = timedelta(seconds=int(counts["pending"] / rate)) if rate else None
    importing = campaign.status == CampaignStatus.IMPORTING
    return {
        "counts": counts,
        "done": done,
        "total": total,
        "percent": round(100 * done / total, 1) if total else 0,
        "rate": rate,
        "eta": eta,
        "import_percent": min(100, round(100 * campaign.import_done / campaign.import_total))
        if importing and campaign.import_total
        else 0,
        "live": campaign.is_active,
        "mail_delivers": delivers(),
    }


def _breach(request: OrgRequest, pk: int) -> Breach:
    return get_for_org(Breach.objects.all(), request.org, pk)


def _campaign(request: OrgRequest, pk: int) -> Campaign:
    queryset = Campaign.objects.for_org(request.org).select_related("breach__organisation")
    return get_object_or_404(queryset, pk=pk)


def _detail_url(campaign: Campaign) -> str:
    return reverse("campaigns:detail", args=[campaign.breach.organisation_id, campaign.pk])


@org_view(Role.READONLY)
def index(request: OrgRequest, breach_pk: int) -> HttpResponse:
    breach = _breach(request, breach_pk)
    campaigns = Campaign.objects.filter(breach=breach)
    return render_page(
        request, "campaigns/index.html", {"breach": breach, "campaigns": campaigns, "form": UploadForm()}
    )


@org_view(Role.MEMBER)
def new(request: OrgRequest, breach_pk: int) -> HttpResponse:
    breach = _breach(request, breach_pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.check_upload(upload.name, upload.size, upload.read(8))
            upload.seek(0)
            campaign = services.new_campaign(breach, by=request.user, name=upload.name, data=upload.read())
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return after_post(request, reverse("campaigns:mapping", args=[request.org.pk, campaign.pk]))
    status = 400 if form.errors else 200
    return render_page(request, "campaigns/new.html", {"breach": breach, "form": form}, status=status)


@org_view(Role.MEMBER)
def mapping(request: OrgRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.FAILED):
        return after_post(request, _detail_url(campaign))
    sniffed = (campaign.import_report or {}).get("sniffed") or {}
    form = MappingForm(
        request.POST or None,
        fields=sniffed.get("fields", []),
        headers=sniffed.get("headers", []),
        initial_mapping=campaign.mapping or {},
    )
    if request.method == "POST" and form.is_valid():
        services.set_mapping(campaign, form.mapping(), by=request.user)
        services.request_import(campaign, by=request.user)
        return after_post(request, _detail_url(campaign))
    context = {"breach": campaign.breach, "campaign": campaign, "form": form, "sniffed": sniffed}
    return render_page(request, "campaigns/mapping.html", context, status=400 if form.errors else 200)


@org_view(Role.READONLY)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    context = {
        "campaign": campaign,
        "breach": campaign.breach,
        "rules_form": RulesForm(
            initial={"order": ",".join(campaign.channel_rules.get("order", [])), "rate": campaign.rate_limit or None}
        ),
        "report": campaign.import_report or {},
        "batches": LetterBatch.objects.filter(campaign=campaign, rendered_at__isnull=False),
        "deposits": LetterDeposit.objects.filter(campaign=campaign).defer("receipt"),
        "to_deposit": deposits.letters_to_deposit(campaign).exists() and not campaign.rehearsal,
        "deposit_form": DepositForm(initial={"deposited_on": timezone.localdate()}),
        **progress_context(campaign),
    }
    return render_page(request, "campaigns/detail.html", context)


@org_view(Role.READONLY)
def progress(request: OrgRequest, pk: int) -> HttpResponse:
    """The live counts alone (htmx polls it every two seconds while the list is imported or sent).

    Once the campaign has left the state the page was drawn in (``?was=``: the import finished, the sending
    ended), the whole page is reloaded: the report, the channels and the proof appear without a manual reload.
    """
    campaign = _campaign(request, pk)
    was = request.GET.get("was")
    if request.htmx and was and was != campaign.status:
        return HttpResponseClientRefresh()
    return render_page(request, "campaigns/detail.html#progress", {"campaign": campaign, **progress_context(campaign)})


def _act(request: OrgRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    verb = {"start": services.start_campaign, "pause": services.pause_campaign, "resume": services.resume_campaign}
    extra = {"rehearsal": request.POST.get("rehearsal") == "1"} if action == "start" else {}
    try:
        verb[action](campaign, by=request.user, **extra)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return after_post(request, _detail_url(campaign))


@require_POST
@org_view(Role.DPO)
def start(request: OrgRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "start")


@require_POST
@org_view(Role.DPO)
def pause(request: OrgRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "pause")


@require_POST
@org_view(Role.DPO)
def resume(request: OrgRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "resume")


@require_POST
@org_view(Role.DPO)
def rules(request: OrgRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    form = RulesForm(request.POST)
    if form.is_valid():
        try:
            services.set_rules(campaign, order=form.cleaned_data["order"].split(","), rate=form.cleaned_data["rate"],
                               by=request.user)  # fmt: skip
            messages.success(request, _("Channel rules saved."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Check the channel rules."))
    return after_post(request, _detail_url(campaign))


@require_POST
@org_view(Role.DPO)
def purge(request: OrgRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        count = services.purge_campaign(campaign, by=request.user)
        messages.success(request, _("Personal data of %(count)s persons erased; the proof is kept.") % {"count": count})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return after_post(request, _detail_url(campaign))


@require_POST
@org_view(Role.DPO)
def deposit(request: OrgRequest, pk: int) -> HttpResponse:
    """Record the letters produced as deposited with the mail house, with its receipt."""
    campaign = _campaign(request, pk)
    form = DepositForm(request.POST, request.FILES)
    if form.is_valid():
        receipt = form.cleaned_data["receipt"]
        try:
            deposits.check_receipt(receipt.name, receipt.size, receipt.read(8))
            receipt.seek(0)
            done = deposits.record_letter_deposit(
                campaign, by=request.user, deposited_on=form.cleaned_data["deposited_on"],
                receipt_name=receipt.name, receipt=receipt.read(),
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s letter recorded as deposited on %(date)s.",
                    "%(count)s letters recorded as deposited on %(date)s.",
                    done.letters,
                )
                % {"count": done.letters, "date": done.deposited_on.strftime("%d/%m/%Y")},
            )
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return after_post(request, _detail_url(campaign))


@org_view(Role.READONLY)
def deposit_receipt(request: OrgRequest, pk: int, deposit_pk: int) -> HttpResponse:
    """The mail house's deposit receipt, as uploaded (it holds no person's data)."""
    campaign = _campaign(request, pk)
    found = get_object_or_404(LetterDeposit, campaign=campaign, pk=deposit_pk)
    response = HttpResponse(bytes(found.receipt), content_type=found.receipt_type)
    response["Content-Disposition"] = f'attachment; filename="campagne-{campaign.pk}-depot-{found.pk}{_suffix(found)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _suffix(found: LetterDeposit) -> str:
    return {"application/pdf": ".pdf", "image/png": ".png"}.get(found.receipt_type, ".jpg")


@org_view(Role.MEMBER)
def errors_csv(request: OrgRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    response = HttpResponse(exports.errors_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campagne-{campaign.pk}-erreurs.csv"'
    return response


@org_view(Role.DPO)
def persons(request: OrgRequest, pk: int) -> HttpResponse:
    """The persons of a campaign, decrypted, 50 per page; each view is in the access log."""
    campaign = _campaign(request, pk)
    page = Paginator(Recipient.objects.filter(campaign=campaign).select_related("letter_batch"), 50).get_page(
        request.GET.get("page")
    )
    ring = crypto.keyring()
    order = services.usable_order(campaign.channel_rules)
    rows = []
    for recipient in page:
        data = crypto.decrypt(recipient.payload, campaign_id=campaign.pk, ring=ring) if recipient.payload else {}
        rows.append({"recipient": recipient, "name": full_name(data), "email": data.get("email", ""),
                     "address": data.get("address", [])[1:], "channel": _channel_label(recipient, order)})  # fmt: skip
    record("campaign.persons_viewed", request=request, organisation=request.org, obj=campaign,
           detail={"page": page.number, "count": len(rows)})  # fmt: skip
    return render_page(request, "campaigns/persons.html", {"campaign": campaign, "breach": campaign.breach,
                                                            "page": page, "rows": rows})  # fmt: skip


def _channel_label(recipient: Recipient, order: list[str]) -> str:
    """The channel of a person; before the start (none chosen yet), the one the rules will choose."""
    if recipient.channel != Channel.NONE or recipient.state != State.PENDING:
        return str(recipient.get_channel_display())
    usable = {
        Channel.EMAIL: recipient.has_email,
        Channel.LETTER: recipient.has_address,
        Channel.SMS: recipient.has_mobile,
    }
    planned = next((Channel(channel) for channel in order if usable.get(Channel(channel))), None)
    if planned is None:
        return str(Channel.NONE.label)
    return _("%(channel)s (at the start)") % {"channel": planned.label}


@org_view(Role.DPO)
def ledger(request: OrgRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The proof ledger, CSV (streamed) or PDF; every export is in the access log."""
    campaign = _campaign(request, pk)
    if fmt not in ("csv", "pdf"):
        raise Http404
    part = int_or_none(request.GET.get("partie"), maximum=10**6) or 1
    record("campaign.ledger_export", request=request, organisation=request.org, obj=campaign,
           detail={"format": fmt, "part": part})  # fmt: skip
    name = f"campagne-{campaign.pk}-registre-de-preuve"
    if fmt == "pdf":
        response = HttpResponse(exports.ledger_pdf(campaign, part=max(1, part), now=timezone.now()),
                                content_type="application/pdf")  # fmt: skip
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    streaming = StreamingHttpResponse(exports.ledger_csv(campaign), content_type="text/csv; charset=utf-8")
    streaming["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return streaming


@org_view(Role.DPO)
def letter_file(request: OrgRequest, pk: int, number: int, kind: str) -> HttpResponseBase:
    """One batch of letters (PDF) or its manifest (CSV), decrypted for the mail house; in the access log."""
    campaign = _campaign(request, pk)
    batch = get_object_or_404(LetterBatch, campaign=campaign, number=number, rendered_at__isnull=False)
    if kind not in ("pdf", "manifeste") or not batch.pdf_path:
        raise Http404
    record("campaign.letters_downloaded", request=request, organisation=request.org, obj=campaign,
           detail={"batch": number, "kind": kind})  # fmt: skip
    path, content_type, ext = (
        (batch.pdf_path, "application/pdf", "pdf") if kind == "pdf" else (batch.manifest_path, "text/csv", "csv")
    )
    response = FileResponse(
        iter([letters.read_file(path)]), content_type=content_type, as_attachment=True,
        filename=f"campagne-{campaign.pk}-lot-{number:05d}.{ext}",
    )  # fmt: skip
    return response
