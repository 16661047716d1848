"""The breach register (GDPR art. 33(5)): every breach of an organisation, notified or not, as rows.

Query vocabulary for the register page, its exports and the statistics: the filter form, the annotated
queryset (CNIL notification, informing of the persons, lateness computed in the database so that it can be
filtered and paginated), and :class:`RegisterRow`, a plain record that the exports and the figures read
without touching the ORM again.

Definitions, shared by the page, the exports and the statistics:
- *notified*: the ``notify_cnil`` obligation has a ``done_at``;
- *required*: the decision as it stands (the DPO's overruling wins over the computed assessment);
- *late*: notified after the 72-hour deadline, or not notified yet although required and past the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation

from .choices import Origin
from .models import Breach, ObligationState, Status

PAGE_SIZE = 50
CNIL_DELAY = timedelta(hours=72)  # GDPR art. 33(1): 72 hours of absolute time after awareness

RISK_LABELS = {
    "unlikely": _("Unlikely to result in a risk"),
    "risk": _("Risk"),
    "high": _("High risk"),
}

YES_NO_ALL = [("", _("All")), ("yes", _("Yes")), ("no", _("No"))]


class RegisterFilterForm(forms.Form):
    """The register's filters, sent by GET so that a filtered register has a URL and works without JavaScript."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    origin = forms.ChoiceField(label=_("Origin"), required=False, choices=[("", _("All")), *Origin.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Status.choices])
    notified = forms.ChoiceField(label=_("Notified to the CNIL"), required=False, choices=YES_NO_ALL)
    late = forms.ChoiceField(label=_("Late"), required=False, choices=YES_NO_ALL)

    def __init__(self, data: Mapping[str, Any] | None, *, years: Iterable[int] = ()) -> None:
        super().__init__(data)
        self.fields["year"].choices = [("", _("All")), *((year, str(year)) for year in years)]  # type: ignore[attr-defined]
        self.fields["q"].widget.input_type = "search"

    def filters(self) -> dict[str, Any]:
        """The valid, non-empty filters; an invalid value (a year with no breach, a made-up origin) is ignored
        rather than emptying the register."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in (None, "")}


def years_of(queryset: QuerySet[Breach]) -> list[int]:
    """Years (Paris time) in which the breaches of ``queryset`` became known, most recent first."""
    return [moment.year for moment in queryset.datetimes("became_aware_at", "year", order="DESC")]


def _obligation(name: str, field: str) -> Subquery:
    states = ObligationState.objects.filter(breach=OuterRef("pk"), obligation=name)
    return Subquery(states.values(field)[:1])


def annotated(queryset: QuerySet[Breach], *, now: datetime | None = None) -> QuerySet[Breach]:
    """The register's columns on ``queryset``: CNIL notification, informing of the persons, required, late."""
    now = now or timezone.now()
    deadline = ExpressionWrapper(F("became_aware_at") + Value(CNIL_DELAY), output_field=DateTimeField())
    required = Case(
        When(override_notify_authority__isnull=False, then=F("override_notify_authority")),
        When(assessment__notify_authority=True, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    queryset = queryset.annotate(
        cnil_done_at=_obligation("notify_cnil", "done_at"),
        cnil_receipt=_obligation("notify_cnil", "reference"),
        cnil_delay_reasons=_obligation("notify_cnil", "delay_reasons"),
        informed_at=_obligation("inform_persons", "done_at"),
        cnil_required=required,
        cnil_deadline_at=deadline,
    )
    late = Q(cnil_done_at__gt=F("cnil_deadline_at")) | Q(
        cnil_done_at__isnull=True, cnil_required=True, became_aware_at__lt=now - CNIL_DELAY
    )
    return queryset.annotate(
        is_notified=Case(When(cnil_done_at__isnull=False, then=Value(True)), default=Value(False)),
        is_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()),
    ).order_by("-became_aware_at", "-pk")


def filtered(queryset: QuerySet[Breach], filters: Mapping[str, Any]) -> QuerySet[Breach]:
    """Apply the register's filters to an :func:`annotated` queryset."""
    if text := filters.get("q", "").strip():
        queryset = queryset.filter(
            Q(title__icontains=text) | Q(reference__icontains=text) | Q(description__icontains=text)
        )
    if year := filters.get("year"):
        queryset = queryset.filter(became_aware_at__year=year)  # in the current time zone, Paris
    if origin := filters.get("origin"):
        queryset = queryset.filter(origin=origin)
    if status := filters.get("status"):
        queryset = queryset.filter(status=status)
    if notified := filters.get("notified"):
        queryset = queryset.filter(is_notified=notified == "yes")  # type: ignore[misc]  # an annotation
    if late := filters.get("late"):
        queryset = queryset.filter(is_late=late == "yes")  # type: ignore[misc]  # an annotation
    return queryset


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One line of the register, as the page, the exports and the statistics read it."""

    pk: int
    reference: str
    title: str
    became_aware_at: datetime
    origin: str
    origin_label: str
    persons_count: int | None
    persons_count_is_estimate: bool
    risk: str
    risk_label: str
    cnil_required: bool | None  # None: not assessed yet
    cnil_deadline: datetime
    cnil_notified_at: datetime | None
    cnil_receipt: str
    cnil_delay_reasons: str
    persons_informed_at: datetime | None
    persons_required: bool | None
    status: str
    status_label: str
    late: bool
    description: str
    consequences: str
    measures_taken: str

    @property
    def notified(self) -> bool:
        return self.cnil_notified_at is not None


def to_row(breach: Breach) -> RegisterRow:
    """A breach of an :func:`annotated` queryset as a register row (labels in the active language)."""
    risk = (breach.assessment or {}).get("risk", "")
    return RegisterRow(
        pk=breach.pk,
        reference=breach.reference,
        title=breach.title,
        became_aware_at=breach.became_aware_at,
        origin=breach.origin,
        origin_label=str(Origin(breach.origin).label) if breach.origin in Origin.values else "",
        persons_count=breach.persons_count,
        persons_count_is_estimate=bool(breach.persons_count_is_estimate),
        risk=risk,
        risk_label=str(RISK_LABELS.get(risk, "")),
        cnil_required=breach.notify_authority,
        cnil_deadline=breach.cnil_deadline,  # type: ignore[arg-type]
        cnil_notified_at=breach.cnil_done_at,  # type: ignore[attr-defined]
        cnil_receipt=breach.cnil_receipt or "",  # type: ignore[attr-defined]
        cnil_delay_reasons=breach.cnil_delay_reasons or "",  # type: ignore[attr-defined]
        persons_informed_at=breach.informed_at,  # type: ignore[attr-defined]
        persons_required=breach.notify_data_subjects,
        status=breach.status,
        status_label=str(Status(breach.status).label) if breach.status in Status.values else breach.status,
        late=bool(breach.is_late),  # type: ignore[attr-defined]
        description=breach.description,
        consequences=breach.consequences,
        measures_taken=breach.measures_taken,
    )


def register_queryset(
    org: Organisation, filters: Mapping[str, Any], *, now: datetime | None = None
) -> QuerySet[Breach]:
    """The organisation's register, filtered: the one query behind the page, the exports and the statistics."""
    return filtered(annotated(Breach.objects.for_org(org), now=now), filters)


def register_rows(org: Organisation, filters: Mapping[str, Any], *, now: datetime | None = None) -> list[RegisterRow]:
    """Every row of the organisation's filtered register (for the exports and the statistics)."""
    return [to_row(breach) for breach in register_queryset(org, filters, now=now)]


def filter_form(org: Organisation, params: Mapping[str, Any]) -> RegisterFilterForm:
    """The filter form bound to the query string ``params``, offering the years the organisation has breaches in."""
    return RegisterFilterForm(params, years=years_of(Breach.objects.for_org(org)))


def register_page(org: Organisation, params: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the register page shows for the query string ``params``: the form, one page of rows, counts."""
    form = filter_form(org, params)
    queryset = register_queryset(org, form.filters())
    page: Page = Paginator(queryset, PAGE_SIZE).get_page(params.get("page"))
    return {
        "form": form,
        "page_obj": page,
        "rows": [to_row(breach) for breach in page.object_list],
        "total": page.paginator.count,
        "filtered": bool(form.filters()),
    }
