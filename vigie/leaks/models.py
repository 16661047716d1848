"""Leak matchings: which of the organisation's patients are in a file published after a breach.

- :class:`LeakMatching`: one leaked file compared with a patient base (an uploaded export, or the persons of a
  campaign), for one breach; its column mappings, its progress, its counts and, once the review is done, the
  campaign that informs the persons found.
- :class:`LeakPair`: one leaked row and the patient it most likely is (automatic match or to review), with the
  person's review. Both records and the explanation are only in ``payload``, encrypted like a campaign's
  persons; the other columns say nothing about anyone.

The uploaded files are stored encrypted under ``MEDIA_ROOT/leaks/<id>/`` and deleted once the matching is done;
the pairs' payloads are emptied by the purge (with the campaign, or after the retention).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from vigie.accounts.scoping import OrgQuerySet
from vigie.breaches.models import Breach
from vigie.campaigns.models import Campaign


class MatchingStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting the column mapping")
    MATCHING = "matching", _("Matching")
    READY = "ready", _("To review")
    DONE = "done", _("Persons added to a campaign")
    FAILED = "failed", _("Matching failed")
    PURGED = "purged", _("Personal data purged")


class LeakMatchingQuerySet(OrgQuerySet["LeakMatching"]):
    org_path = "breach__organisation"


class LeakMatching(models.Model):
    """One leaked file compared with the organisation's patient base, for one breach."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="leak_matchings")
    status = models.CharField(_("status"), max_length=16, choices=MatchingStatus.choices, default=MatchingStatus.DRAFT)
    leak_name = models.CharField(_("leaked file"), max_length=255)
    leak_size = models.PositiveBigIntegerField(default=0)
    patients_name = models.CharField(_("patient base"), max_length=255, blank=True)
    patients_size = models.PositiveBigIntegerField(default=0)
    # The patients may be the persons of a campaign instead of an uploaded file.
    source_campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("patient base")
    )
    # Column names and choices only, never a value from the files.
    leak_mapping = models.JSONField(default=dict, blank=True)
    leak_categories = models.JSONField(default=dict, blank=True)  # leaked column → data category ("" = none)
    patients_mapping = models.JSONField(default=dict, blank=True)
    sniffed = models.JSONField(default=dict, blank=True)  # headers and guesses of both files, for the mapping page
    counts = models.JSONField(default=dict, blank=True)  # rows, match, review, none, patients… (no personal data)
    error = models.CharField(max_length=500, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="leak_matchings"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    purge_after = models.DateTimeField(_("purge after"), null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = LeakMatchingQuerySet.as_manager()

    class Meta:
        verbose_name = _("leak matching")
        verbose_name_plural = _("leak matchings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Recherche n° {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == MatchingStatus.MATCHING

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def review_counts(self) -> dict[str, int]:
        """Pairs per decision and review state: ``match``, ``review``, ``pending``, ``accepted``, ``rejected``."""
        rows = LeakPair.objects.filter(matching=self).values("decision", "review").annotate(n=Count("pk"))
        counts = {"match": 0, "review": 0, "pending": 0, "accepted": 0, "rejected": 0}
        for row in rows:
            counts[row["decision"]] += row["n"]
            if row["decision"] == Decision.REVIEW:
                counts[row["review"]] += row["n"]
        return counts


class Decision(models.TextChoices):
    MATCH = "match", _("Automatic match")
    REVIEW = "review", _("To review")


class Review(models.TextChoices):
    PENDING = "pending", _("Not reviewed yet")
    ACCEPTED = "accepted", _("Same person")
    REJECTED = "rejected", _("Not the same person")


class LeakPairQuerySet(OrgQuerySet["LeakPair"]):
    org_path = "matching__breach__organisation"

    def to_inform(self) -> LeakPairQuerySet:
        """Automatic matches and accepted reviews: the persons found in the leaked file."""
        return self.filter(
            models.Q(decision=Decision.MATCH) | models.Q(decision=Decision.REVIEW, review=Review.ACCEPTED)
        ).exclude(review=Review.REJECTED)


class LeakPair(models.Model):
    """A leaked row and its most likely patient; both records and the explanation encrypted in ``payload``."""

    matching = models.ForeignKey(LeakMatching, on_delete=models.CASCADE, related_name="pairs", db_index=False)
    leak_line = models.PositiveIntegerField(_("line in the leaked file"))
    patient_line = models.PositiveIntegerField(_("line in the patient base"))
    score = models.FloatField(_("score"))
    decision = models.CharField(max_length=8, choices=Decision.choices)
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Encrypted JSON: {"leak": {...}, "patient": {...}, "evidence": [...], "categories": [...]}; empty once purged.
    payload = models.BinaryField(default=b"")

    objects = LeakPairQuerySet.as_manager()

    class Meta:
        verbose_name = _("leaked row and patient")
        verbose_name_plural = _("leaked rows and patients")
        ordering = ["matching", "leak_line"]
        indexes = [
            models.Index(fields=["matching", "leak_line"], name="leakpair_matching_line"),
            models.Index(fields=["matching", "decision", "review"], name="leakpair_matching_review"),
        ]

    def __str__(self) -> str:
        return f"{self.matching_id}: {self.leak_line} → {self.patient_line} ({self.decision})"
