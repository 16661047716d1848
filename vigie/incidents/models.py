"""One incident at a processor (a software vendor, a host, a DPO firm's client…) that touches several controllers.

The processor declares the incident once, with its facts; each controller of the incident gets a breach of its own,
pre-filled with those facts (``IncidentController.breach``), the art. 33(2) alert, and its own clock. The processor
sees of each controller only its progress (``services.progress``), never its patients; controllers never see each
other, nor the incident beyond what the alert told them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet
from vigie.breaches.models import Breach, JournalEntry


class IncidentQuerySet(OrgQuerySet["Incident"]):
    org_path = "processor"


class Incident(models.Model):
    """An incident declared by a processor for the controllers whose data it concerns (GDPR art. 33(2))."""

    processor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="incidents_declared")
    title = models.CharField(_("title"), max_length=200)
    # The processor's facts, in the names of a breach's facts (``vigie.incidents.facts``), as JSON values.
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class IncidentControllerQuerySet(OrgQuerySet["IncidentController"]):
    """Scoped to the controller: ``for_org`` gives a controller its own links; the processor goes through
    ``for_processor`` and reads only the progress."""

    def for_processor(self, org: Organisation) -> IncidentControllerQuerySet:
        return self.filter(incident__processor=org)


class IncidentController(models.Model):
    """One controller of an incident: its code in the leaked file, its breach, when it was alerted and acknowledged."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="controllers")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="incident_links")
    # The controller's value in the leaked file's key column (lab code, FINESS, prescriber…).
    code = models.CharField(_("code"), max_length=100)
    breach = models.OneToOneField(Breach, on_delete=models.CASCADE, related_name="incident_link")
    alert_sent_at = models.DateTimeField(_("alert sent at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = IncidentControllerQuerySet.as_manager()

    class Meta:
        verbose_name = _("controller of an incident")
        verbose_name_plural = _("controllers of an incident")
        ordering = ["incident", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "organisation"], name="incident_controller_once"),
            models.UniqueConstraint(fields=["incident", "code"], name="incident_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.organisation_id} ({self.code})"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class ExternalAlert(models.TextChoices):
    """What became of the e-mail to a controller not on Vigie: only a mail server's acceptance counts as sent."""

    PENDING = "pending", _("not sent yet")
    ACCEPTED = "accepted", _("accepted by the mail server")
    FAILED = "failed", _("sending failed")
    NOT_DELIVERED = "not_delivered", _("not sent: no mail server configured")


class ExternalControllerQuerySet(OrgQuerySet["ExternalController"]):
    org_path = "incident__processor"


class ExternalController(models.Model):
    """A controller of the incident that has no organisation on this Vigie: a name, the e-mail address of its
    contact or DPO, and its code in the leaked file. It gets the processor's notice as a PDF attached to an e-mail
    (``external.send_external_alert``); its rows of the leaked file are kept for it with the split."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="external_controllers")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address of its contact or DPO"))
    code = models.CharField(_("code"), max_length=100)
    alert_status = models.CharField(max_length=16, choices=ExternalAlert.choices, default=ExternalAlert.PENDING)
    # When the last sending was tried, and when a mail server accepted it (never set otherwise).
    alert_attempted_at = models.DateTimeField(null=True, blank=True)
    alert_sent_at = models.DateTimeField(_("alert sent at"), null=True, blank=True)
    alert_error = models.CharField(max_length=500, blank=True)

    objects = ExternalControllerQuerySet.as_manager()

    class Meta:
        verbose_name = _("controller not on Vigie")
        verbose_name_plural = _("controllers not on Vigie")
        ordering = ["incident", "pk"]
        constraints = [models.UniqueConstraint(fields=["incident", "code"], name="incident_external_code_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.name} ({self.code})"


class IncidentEventKind(models.TextChoices):
    DECLARED = "declared", _("Incident declared")
    ALERT_SENT = "alert_sent", _("Alert sent")
    EXTERNAL_ALERT = "external_alert", _("Alert e-mailed to a controller not on Vigie")
    ACKNOWLEDGED = "acknowledged", _("Alert acknowledged")
    SPLIT_IMPORTED = "split_imported", _("Leaked file split")
    UPLOAD_PURGED = "upload_purged", _("Uploaded leaked file purged")


class IncidentEventQuerySet(OrgQuerySet["IncidentEvent"]):
    org_path = "incident__processor"


class IncidentEvent(JournalEntry):
    """One entry of the processor's journal of the incident. Append-only, like a breach's."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=IncidentEventKind.choices)
    at = models.DateTimeField(default=timezone.now)

    objects = IncidentEventQuerySet.as_manager()

    class Meta(JournalEntry.Meta):
        pass


class SplitQuerySet(OrgQuerySet["Split"]):
    org_path = "incident__processor"


class Split(models.Model):
    """One import of the leaked file at the processor's level, split by a key column into the controllers'
    campaigns. The rows of no controller are kept (encrypted, ``unassigned_path``), their lines listed."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="splits")
    source_name = models.CharField(_("file"), max_length=255)
    key_column = models.CharField(_("key column"), max_length=200)
    # {"assigned": {org_id: n}, "unassigned": n, "campaigns": {org_id: campaign_id}, "rows": n,
    #  "external": {external_controller_id: n}} (the rows of controllers not on Vigie, kept encrypted for them)
    counts = models.JSONField(default=dict, blank=True)
    # [{"line": n, "column": key column, "reason": "…"}]: the rows whose key names no controller.
    unassigned = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when every controller's part is stored and the split journalled; until then a split interrupted by a
    # crash is resumed (``splitting.split_file(resume=…)``), its finished parts kept (``SplitPart``).
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SplitQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.source_name}"


class SplitPartQuerySet(OrgQuerySet["SplitPart"]):
    org_path = "split__incident__processor"


class SplitPart(models.Model):
    """One controller's part of a split: the campaign its rows go to, made once per split and controller (a
    resumed split reuses it: its rows of an interrupted attempt are deleted and stored again), and, once stored,
    how many persons and the part's row errors. ``done_at`` is set in the transaction that makes the campaign
    ready: a part done is never stored twice."""

    split = models.ForeignKey(Split, on_delete=models.CASCADE, related_name="parts")
    controller = models.ForeignKey(IncidentController, on_delete=models.CASCADE, related_name="+")
    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="split_part")
    rows = models.PositiveIntegerField(default=0)  # rows of the processor's file for this controller
    stored = models.PositiveIntegerField(default=0)  # persons stored (after validation and de-duplication)
    errors = models.JSONField(default=list, blank=True)  # [{"line", "column", "reason"}]
    done_at = models.DateTimeField(null=True, blank=True)

    objects = SplitPartQuerySet.as_manager()

    class Meta:
        ordering = ["split", "pk"]
        constraints = [models.UniqueConstraint(fields=["split", "controller"], name="split_part_once")]

    def __str__(self) -> str:
        return f"{self.split_id} → {self.controller_id}"


class UploadStatus(models.TextChoices):
    UPLOADED = "uploaded", _("uploaded: choose the key column")
    COUNTING = "counting", _("counting the rows of each controller")
    READY = "ready", _("key column chosen: check the counts and confirm")
    SPLITTING = "splitting", _("being split")
    DONE = "done", _("split")
    FAILED = "failed", _("failed")
    PURGED = "purged", _("purged: never split within the retention period")


class SplitUploadQuerySet(OrgQuerySet["SplitUpload"]):
    org_path = "incident__processor"


class SplitUpload(models.Model):
    """The leaked file uploaded from the processor's pages, kept encrypted (``uploads.upload_path``) until it is
    split: its headers, the key column chosen, the counts previewed per controller, then the ``Split`` made."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="uploads")
    source_name = models.CharField(_("file"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    headers = models.JSONField(default=list, blank=True)
    key_column = models.CharField(_("key column"), max_length=200, blank=True)
    # {"controllers": {link_id: n}, "external": {external_id: n}, "unassigned": n, "rows": n}; while counting
    # (in the background: ``uploads.run_count``), {"read": rows read so far, "total": rows estimated or null}.
    preview = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.UPLOADED)
    error = models.CharField(max_length=500, blank=True)
    split = models.OneToOneField(Split, on_delete=models.SET_NULL, null=True, blank=True, related_name="upload")
    # The split's last sign of life (``run_split`` renews it after each controller's part): a split silent for
    # ``VIGIE_CAMPAIGN_IMPORT_STALE_SECONDS`` died with its worker and is queued again (``recover_splits``).
    heartbeat = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SplitUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.source_name} ({self.status})"
