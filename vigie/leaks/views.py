"""Leak pages: upload a leaked file and the patient base, check the columns, follow the matching, review the
uncertain pairs one by one, and inform the persons found.

Every page that shows a person's data (a pair under review) or hands out the result writes to the access log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.models import Role
from vigie.accounts.params import int_or_none
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post, render_page
from vigie.audit.services import record
from vigie.breaches.models import Breach
from vigie.campaigns.models import Campaign, CampaignStatus

from . import services
from .explain import explain
from .forms import CategoriesForm, MappingForm, NewMatchingForm, VerdictForm
from .matching import MATCHES_HEADER
from .models import Decision, LeakMatching, LeakPair, MatchingStatus, Review


def _breach(request: OrgRequest, pk: int) -> Breach:
    return get_for_org(Breach.objects.all(), request.org, pk)


def _matching(request: OrgRequest, pk: int) -> LeakMatching:
    queryset = LeakMatching.objects.for_org(request.org).select_related("breach__organisation", "campaign")
    return get_object_or_404(queryset, pk=pk)


def _detail_url(matching: LeakMatching) -> str:
    return reverse("leaks:detail", args=[matching.breach.organisation_id, matching.pk])


def _campaigns(request: OrgRequest) -> Any:
    campaigns = Campaign.objects.for_org(request.org).exclude(status=CampaignStatus.PURGED)
    return campaigns.filter(persons_count__gt=0).select_related("breach")


@org_view(Role.READONLY)
def index(request: OrgRequest, breach_pk: int) -> HttpResponse:
    breach = _breach(request, breach_pk)
    matchings = LeakMatching.objects.filter(breach=breach)
    return render_page(request, "leaks/index.html", {"breach": breach, "matchings": matchings})


@org_view(Role.MEMBER)
def new(request: OrgRequest, breach_pk: int) -> HttpResponse:
    breach = _breach(request, breach_pk)
    form = NewMatchingForm(request.POST or None, request.FILES or None, campaigns=_campaigns(request))
    if request.method == "POST" and form.is_valid():
        leak, patients = form.cleaned_data["leak"], form.cleaned_data.get("patients")
        try:
            matching = services.new_matching(
                breach, by=request.user, leak_name=leak.name, leak_data=leak.read(),
                patients_name=patients.name if patients else "", patients_data=patients.read() if patients else None,
                source_campaign=form.cleaned_data.get("campaign"),
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return after_post(request, reverse("leaks:mapping", args=[request.org.pk, matching.pk]))
    status = 400 if form.errors else 200
    return render_page(request, "leaks/new.html", {"breach": breach, "form": form}, status=status)


@org_view(Role.MEMBER)
def mapping(request: OrgRequest, pk: int) -> HttpResponse:
    matching = _matching(request, pk)
    if matching.status not in (MatchingStatus.DRAFT, MatchingStatus.FAILED):
        return after_post(request, _detail_url(matching))
    sniffed = matching.sniffed or {}
    leak_headers = (sniffed.get("leak") or {}).get("headers", [])
    data = request.POST or None
    leak_form = MappingForm(data, prefix="leak", fields=sniffed.get("fields", []), headers=leak_headers,
                            initial_mapping=matching.leak_mapping)  # fmt: skip
    categories_form = CategoriesForm(data, prefix="category", headers=leak_headers,
                                     initial_categories=matching.leak_categories)  # fmt: skip
    patients_form = None
    if not matching.source_campaign_id:
        patients_form = MappingForm(data, prefix="patients", fields=sniffed.get("fields", []),
                                    headers=(sniffed.get("patients") or {}).get("headers", []),
                                    initial_mapping=matching.patients_mapping)  # fmt: skip
    forms = [form for form in (leak_form, categories_form, patients_form) if form is not None]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            services.set_mappings(
                matching, leak_mapping=leak_form.mapping(), leak_categories=categories_form.categories(),
                patients_mapping=patients_form.mapping() if patients_form else None, by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            leak_form.add_error(None, error)
        else:
            services.request_matching(matching, by=request.user)
            return after_post(request, _detail_url(matching))
    context = {"breach": matching.breach, "matching": matching, "leak_form": leak_form,
               "categories_form": categories_form, "patients_form": patients_form, "sniffed": sniffed}  # fmt: skip
    errors = any(form.errors for form in forms)
    return render_page(request, "leaks/mapping.html", context, status=400 if errors else 200)


def _detail_context(matching: LeakMatching) -> dict[str, Any]:
    return {"matching": matching, "breach": matching.breach, "counts": matching.counts or {},
            "reviews": matching.review_counts(), "live": matching.is_active}  # fmt: skip


@org_view(Role.READONLY)
def detail(request: OrgRequest, pk: int) -> HttpResponse:
    matching = _matching(request, pk)
    return render_page(request, "leaks/detail.html", _detail_context(matching))


@org_view(Role.READONLY)
def progress(request: OrgRequest, pk: int) -> HttpResponse:
    """The progress bar and counts alone (htmx polls it every two seconds while the matching runs)."""
    matching = _matching(request, pk)
    return render_page(request, "leaks/detail.html#progress", _detail_context(matching))


@org_view(Role.MEMBER)
def review(request: OrgRequest, pk: int) -> HttpResponse:
    """One pair of the review band, both records side by side (the next one still to review, or ``?paire=ID``)."""
    matching = _matching(request, pk)
    pairs = LeakPair.objects.filter(matching=matching, decision=Decision.REVIEW)
    chosen = int_or_none(request.GET.get("paire"))
    if chosen is not None:
        pair = pairs.filter(pk=chosen).first()
    else:
        pair = pairs.filter(review=Review.PENDING).order_by("-score", "leak_line").first()
    context: dict[str, Any] = {"matching": matching, "breach": matching.breach, "reviews": matching.review_counts()}
    if pair is not None:
        data = services.decrypt_pair(pair)
        context.update(pair=pair, explained=explain(data))
        record("leak.pair_viewed", request=request, organisation=request.org, obj=matching,
               detail={"pair": pair.pk})  # fmt: skip
    done = context["reviews"]["accepted"] + context["reviews"]["rejected"]
    context["reviewed"] = done
    context["review_percent"] = (
        round(100 * done / context["reviews"]["review"]) if context["reviews"]["review"] else 100
    )
    return render_page(request, "leaks/review.html", context)


@require_POST
@org_view(Role.MEMBER)
def decide(request: OrgRequest, pk: int, pair_pk: int) -> HttpResponse:
    matching = _matching(request, pk)
    pair = get_object_or_404(LeakPair.objects.select_related("matching__breach"), matching=matching, pk=pair_pk,
                             decision=Decision.REVIEW)  # fmt: skip
    form = VerdictForm(request.POST)
    if form.is_valid():
        try:
            services.review_pair(pair, accept=form.cleaned_data["verdict"] == "accept", by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return after_post(request, reverse("leaks:review", args=[request.org.pk, matching.pk]))


@require_POST
@org_view(Role.DPO)
def inform(request: OrgRequest, pk: int) -> HttpResponse:
    matching = _matching(request, pk)
    try:
        campaign = services.inform_found(matching, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return after_post(request, _detail_url(matching))
    messages.success(request, _("%(count)s persons found in the leaked file are now in a campaign: check it, then start it.")
                     % {"count": campaign.persons_count})  # fmt: skip
    return after_post(request, reverse("campaigns:detail", args=[request.org.pk, campaign.pk]))


@require_POST
@org_view(Role.DPO)
def purge(request: OrgRequest, pk: int) -> HttpResponse:
    matching = _matching(request, pk)
    services.purge_matching(matching, by=request.user)
    messages.success(request, _("The personal data of this matching is erased; the counts are kept."))
    return after_post(request, _detail_url(matching))


@org_view(Role.DPO)
def matches_csv(request: OrgRequest, pk: int) -> HttpResponseBase:
    """MATCHES.csv (``leak_line;patient_line;score;decision``), as the command line writes it; in the access log."""
    matching = _matching(request, pk)
    record("leak.matches_export", request=request, organisation=request.org, obj=matching)
    rows = LeakPair.objects.filter(matching=matching).order_by("leak_line")
    lines = rows.values_list("leak_line", "patient_line", "score", "decision").iterator(5000)

    def content() -> Any:
        yield MATCHES_HEADER + "\n"
        for leak_line, patient_line, score, decision in lines:
            yield f"{leak_line};{patient_line};{score:.4f};{decision}\n"

    response = StreamingHttpResponse(content(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fichier-divulgue-{matching.pk}-correspondances.csv"'
    return response
