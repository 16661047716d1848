"""What an organisation is missing or has due, each with the page that fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from vigie.accounts.models import Organisation

from . import hds
from .models import Action, HdsImport, ProcessingActivity, Processor
from .services import last_assessment, last_version, profile_for

RECORD_REVIEW_DAYS = 365
ASSESSMENT_REVIEW = timedelta(days=365)
# Findings about processors worth showing on the dashboard (the contract details stay on the processor page).
DASHBOARD_FINDINGS = ("absent", "expired", "expiring", "not_covered", "outside_eu")


@dataclass(frozen=True)
class Item:
    """One line of the dashboard. ``level``: "danger", "warn", "info" or "ok"."""

    level: str
    title: str | Promise
    url: str
    link: str | Promise
    detail: str = ""


def _date(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def items(org: Organisation, today: date) -> list[Item]:
    """Everything to do, the most serious first."""
    found: list[Item] = []

    def url(name: str, *args: Any) -> str:
        return reverse(f"compliance:{name}", args=[org.pk, *args])

    version = last_version(org)
    if not ProcessingActivity.objects.for_org(org).exists():
        found.append(
            Item(
                "danger", _("The record of processing activities is empty."), url("record"), _("Start from a template")
            )
        )
    elif version is None or timezone.localdate(version.created_at) < today - timedelta(days=RECORD_REVIEW_DAYS):
        found.append(
            Item(
                "warn",
                _("The record has not been reviewed for more than a year."),
                url("record"),
                _("Review the record"),
                _("Last version: %(date)s.") % {"date": _date(version.created_at)} if version else "",
            )
        )
    else:
        found.append(
            Item(
                "ok",
                _("Record up to date (version %(number)s of %(date)s).")
                % {"number": version.number, "date": _date(version.created_at)},
                url("record"),
                _("See the record"),
            )
        )

    profile = profile_for(org)
    if profile.poster_generated_at is None:
        found.append(Item("warn", _("The patient poster has not been generated."), url("poster"), _("Make the poster")))
    elif version is not None and version.created_at > profile.poster_generated_at:
        found.append(
            Item("warn", _("The record changed since the poster was generated."), url("poster"), _("Print it again"))
        )
    else:
        found.append(Item("ok", _("Patient poster generated."), url("poster"), _("See the poster")))
    if not org.address or not (org.email or org.dpo_email):
        found.append(
            Item(
                "warn",
                _("The notice lacks the address or an e-mail address where patients can exercise their rights."),
                reverse("accounts:organisation", args=[org.pk]),
                _("Complete the organisation's details"),
            )
        )

    assessment = last_assessment(org)
    if assessment is None:
        found.append(
            Item("warn", _("No security self-assessment yet."), url("assessments"), _("Start the self-assessment"))
        )
    elif assessment.completed_at and timezone.localdate(assessment.completed_at) < today - ASSESSMENT_REVIEW:
        found.append(
            Item("warn", _("The last self-assessment is more than a year old."), url("assessments"), _("Assess again"))
        )
    else:
        found.append(
            Item(
                "ok",
                _("Security self-assessment: %(score)s %%.") % {"score": assessment.overall},
                url("assessment_result", assessment.pk),
                _("See the results"),
            )
        )
    overdue = Action.objects.for_org(org).overdue(today).count()
    if overdue:
        found.append(
            Item(
                "warn",
                _("%(count)s action(s) of the security plan are overdue.") % {"count": overdue},
                url("actions"),
                _("See the action plan"),
            )
        )

    processors = list(Processor.objects.for_org(org))
    imported = HdsImport.objects.exists()
    if not processors:
        found.append(Item("info", _("No processor registered yet."), url("processor_new"), _("Add a processor")))
    for processor in processors:
        for finding in hds.check_processor(processor, today, list_imported=imported):
            if finding.code in DASHBOARD_FINDINGS:
                found.append(
                    Item(
                        finding.level,
                        f"{processor.name} : {finding.message}",
                        url("processor", processor.pk),
                        _("Check"),
                    )
                )
    if not imported and any(p.hosts_health_data for p in processors):
        found.append(
            Item(
                "info",
                _("The ANS list of certified hosts has not been imported."),
                url("hds_search"),
                _("See the HDS list"),
            )
        )
    order = {"danger": 0, "warn": 1, "info": 2, "ok": 3}
    return sorted(found, key=lambda item: order[item.level])
