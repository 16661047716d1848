"""What an organisation keeps for its documents: its own versions of the letters, and its letterhead logo.

The documents themselves are not stored: each is made again from the breach dossier when asked for, and its
generation is written to the breach's journal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.accounts.models import Organisation
from vigie.accounts.scoping import OrgQuerySet

# Documents whose text an organisation may replace by its own (see ``templating``), with their names on screen.
EDITABLE_KINDS = {
    "letter": _("Letter to the persons"),
    "email": _("E-mail to the persons"),
    "sms": _("Text message to the persons"),
    "public-notice": _("Public communication"),
    "ordre": _("Letter to the Ordre"),
    "insurer": _("Letter to the insurer"),
    "processor-notice": _("Processor's notice to the controller"),
}


class LetterTemplateQuerySet(OrgQuerySet["LetterTemplate"]):
    def latest_of(self, org: Organisation, kind: str) -> LetterTemplate | None:
        return self.filter(organisation=org, kind=kind).order_by("-version").first()

    def latest_bodies(self, org: Organisation) -> dict[str, dict[str, Any]]:
        """The latest version of each of the organisation's texts, as the dossier carries them."""
        out: dict[str, dict[str, Any]] = {}
        for template in self.filter(organisation=org).order_by("kind", "version"):
            out[template.kind] = {"version": template.version, "body": template.body}
        return out


class LetterTemplate(models.Model):
    """One version of an organisation's own text for a document; the highest version is the one used.

    Versions are never changed nor deleted: a letter sent with version 3 can be explained later. The text is
    plain French with ``{{ placeholders }}`` filled by :mod:`vigie.documents.templating`, never by a template
    engine that could reach Python objects.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(_("document"), max_length=32, choices=list(EDITABLE_KINDS.items()))
    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LetterTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "version"], name="one_template_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class LetterheadQuerySet(OrgQuerySet["Letterhead"]):
    pass


class Letterhead(models.Model):
    """The organisation's letterhead logo, stored as a PNG re-encoded on upload (see ``services.save_logo``)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="letterhead")
    logo = models.BinaryField(_("logo"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = LetterheadQuerySet.as_manager()

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return f"{self.organisation} letterhead"
