"""Prevention: the record of processing, the patient notice, the security self-assessment, processors and HDS hosts.

Everything here is in place *before* a breach, so that a breach file is half-written already: the record names
the data and the persons (art. 30), the notice says how patients were informed (art. 13), the last
self-assessment describes the security measures (art. 32), the processor register names the host (art. 28).

The ANS list of HDS-certified hosts (:class:`HdsHost`) is the only data shared by every organisation: it is a
public list, imported by the administrator of the installation.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet


def new_public_token() -> str:
    """22 url-safe characters (128 bits): the address of a public notice cannot be guessed or enumerated."""
    return secrets.token_urlsafe(16)


class ComplianceProfileQuerySet(OrgQuerySet["ComplianceProfile"]):
    pass


class ComplianceProfile(models.Model):
    """An organisation's prevention settings: the token of its public notice, when its poster was made."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="compliance")
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    poster_generated_at = models.DateTimeField(_("poster generated at"), null=True, blank=True)

    objects = ComplianceProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("compliance profile")
        verbose_name_plural = _("compliance profiles")

    def __str__(self) -> str:
        return f"{self.organisation}"

    @property
    def notice_path(self) -> str:
        return reverse("public:notice", args=[self.public_token])

    @property
    def notice_url(self) -> str:
        """The full address printed under the poster's QR code."""
        return settings.SITE_URL + self.notice_path


class ActivityQuerySet(OrgQuerySet["ProcessingActivity"]):
    def for_patients(self) -> ActivityQuerySet:
        """The activities that patients must be told about (the notice and the poster)."""
        return self.filter(concerns_patients=True)


class ProcessingActivity(models.Model):
    """One line of the record of processing activities (GDPR art. 30(1)).

    List-like fields (recipients, processors, security measures…) hold one item per line, so that the poster
    can merge the recipients of several activities without repeating them.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="processing_activities")
    template_key = models.CharField(max_length=40, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    purposes = models.TextField(_("purposes"))
    legal_basis = models.TextField(_("legal basis"))
    data_categories = models.JSONField(_("categories of data"), default=list, blank=True)
    data_details = models.TextField(_("data collected"), blank=True)
    person_categories = models.JSONField(_("categories of persons"), default=list, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    transfers = models.TextField(_("transfers outside the European Union"), blank=True)
    retention = models.TextField(_("retention periods"))
    security_measures = models.TextField(_("security measures"), blank=True, help_text=_("One per line."))
    processors = models.TextField(_("processors"), blank=True, help_text=_("One per line."))
    estimated_persons = models.PositiveIntegerField(
        _("estimated number of persons"),
        null=True,
        blank=True,
        help_text=_("For example the number of patients in the file: it pre-fills a breach declaration."),
    )
    concerns_patients = models.BooleanField(
        _("shown on the patient notice"),
        default=True,
        help_text=_("Untick for processing that does not concern patients, such as staff management."),
    )
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


class RecordVersionQuerySet(OrgQuerySet["RecordVersion"]):
    def latest_first(self) -> RecordVersionQuerySet:
        return self.order_by("-number")


class RecordVersion(models.Model):
    """A dated copy of the whole record, made at each change or review: the record's history (art. 30(3))."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="record_versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(_("change"), max_length=300, blank=True)
    snapshot = models.JSONField(default=dict)

    objects = RecordVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="one_record_version_number")]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.number}"


class AssessmentQuerySet(OrgQuerySet["Assessment"]):
    def completed(self) -> AssessmentQuerySet:
        return self.exclude(completed_at=None).order_by("-completed_at", "-pk")


class Assessment(models.Model):
    """One run of the security self-assessment: the answers, and the scores per domain once completed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assessments")
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # question id → "yes" | "partly" | "no" | "unknown" | "na"
    answers = models.JSONField(default=dict, blank=True)
    # domain id → percentage (None when every question of the domain is "not applicable")
    scores = models.JSONField(default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall score"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("security self-assessment")
        verbose_name_plural = _("security self-assessments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.created_at:%Y-%m-%d}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class ActionQuerySet(OrgQuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(done_on=None)

    def overdue(self, today: date) -> ActionQuerySet:
        return self.open().filter(due_on__lt=today)


class Action(models.Model):
    """One step of the security action plan: what to do, who does it, by when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="security_actions")
    assessment = models.ForeignKey(Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    question = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["done_on", "due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class ProcessorQuerySet(OrgQuerySet["Processor"]):
    def hosting_health_data(self) -> ProcessorQuerySet:
        return self.filter(hosts_health_data=True)


class Processor(models.Model):
    """A processor of the organisation (GDPR art. 28): its contract and, if it hosts health data, its HDS
    certificate (CSP L.1111-8) as the processor declares it; :mod:`vigie.compliance.hds` checks it against
    the ANS list."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="processors")
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    service = models.CharField(_("service provided"), max_length=300, blank=True)
    location = models.CharField(_("where the data is kept"), max_length=200, blank=True)
    outside_eu = models.BooleanField(_("data kept or accessible outside the European Union"), default=False)
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    clauses = models.JSONField(_("clauses of the contract"), default=list, blank=True)
    hosts_health_data = models.BooleanField(_("hosts health data"), default=False)
    hds_activities = models.JSONField(_("hosting activities performed"), default=list, blank=True)
    certificate_scope = models.CharField(_("certificate scope"), max_length=200, blank=True)
    certificate_activities = models.JSONField(_("certified activities"), default=list, blank=True)
    certificate_body = models.CharField(_("certifying body"), max_length=200, blank=True)
    certificate_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcessorQuerySet.as_manager()

    class Meta:
        verbose_name = _("processor")
        verbose_name_plural = _("processors")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class HdsImport(models.Model):
    """One import of the ANS list of certified hosts; the newest replaces the previous list."""

    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("certificates"))

    class Meta:
        verbose_name = _("import of the HDS list")
        verbose_name_plural = _("imports of the HDS list")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d})"


class HdsHost(models.Model):
    """One certificate of the ANS list of HDS-certified hosts (public data, shared by all organisations)."""

    source = models.ForeignKey(HdsImport, on_delete=models.CASCADE, related_name="hosts")
    name = models.CharField(_("company"), max_length=300)
    search_name = models.CharField(max_length=300, db_index=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, db_index=True)
    scope = models.CharField(_("scope"), max_length=300, blank=True)
    activities = models.JSONField(_("certified activities"), default=list)
    certifier = models.CharField(_("certifying body"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    referential = models.CharField(_("referential"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("HDS-certified host")
        verbose_name_plural = _("HDS-certified hosts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
