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
    "letter-parent": _("Letter to the parents of a minor"),
    "email": _("E-mail to the persons"),
    "email-parent": _("E-mail to the parents of a minor"),
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


class IncidentDetailsQuerySet(OrgQuerySet["IncidentDetails"]):
    org_path = "breach__organisation"


# Lengths are those of the dossier's schema (``line`` 1,000 characters, ``text`` 20,000), or less.
class IncidentDetails(models.Model):
    """What the police, the ARS and the CNIL ask about an incident beyond the facts the decision rests on.

    Recorded by the user on the breach's Documents page, one row per breach: technical indicators for the
    investigators (addresses, times, ransom note), the state of the systems and of the structure for the ARS
    report (arrêté du 30 octobre 2017), how the persons were told when it was not through Vigie. None of it
    changes the assessment; every document that quotes it says it as recorded, and leaves it out when empty.
    """

    breach = models.OneToOneField("breaches.Breach", on_delete=models.CASCADE, related_name="incident_details")

    # The incident, for the ARS / CERT Santé report.
    scope = models.TextField(_("scope"), max_length=2000, blank=True)
    systems_affected = models.TextField(_("systems affected"), max_length=2000, blank=True)
    handling_state = models.TextField(_("state of handling"), max_length=2000, blank=True)
    attack_vector = models.TextField(_("cause and attack vector"), max_length=2000, blank=True)
    care_impact = models.TextField(_("care cancelled or postponed"), max_length=2000, blank=True)
    patient_transfers = models.TextField(_("patients transferred"), max_length=2000, blank=True)
    structure_impact = models.TextField(_("effect on the running of the structure"), max_length=2000, blank=True)
    cert_support = models.BooleanField(_("support requested from the health CERT"), null=True, blank=True)

    # Technical indicators, for the complaint.
    attacker_ips = models.TextField(_("IP addresses and times (UTC)"), max_length=4000, blank=True)
    ransom_note = models.TextField(_("text of the ransom note"), max_length=10000, blank=True)
    group_name = models.CharField(_("name of the attackers' group"), max_length=200, blank=True)
    onion_addresses = models.TextField(_("onion addresses"), max_length=2000, blank=True)
    wallet_addresses = models.TextField(_("cryptocurrency wallet addresses"), max_length=2000, blank=True)
    ransom_amount = models.CharField(_("amount demanded"), max_length=200, blank=True)
    ransom_paid = models.BooleanField(_("ransom paid"), null=True, blank=True)
    it_provider = models.TextField(_("IT provider (name, telephone, e-mail)"), max_length=1000, blank=True)
    losses_estimate = models.TextField(_("first estimate of the losses"), max_length=1000, blank=True)
    complainant = models.CharField(_("person filing the complaint"), max_length=300, blank=True)
    authority_proof = models.CharField(_("proof of authority to represent"), max_length=300, blank=True)

    # Informing the persons outside Vigie's campaigns (telephone, letters sent by hand…).
    persons_channel = models.CharField(_("how the persons were told"), max_length=300, blank=True)

    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = IncidentDetailsQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident details")
        verbose_name_plural = _("incident details")

    def __str__(self) -> str:
        return f"{self.breach_id} details"

    def as_dossier(self) -> dict[str, Any]:
        """The recorded details, as the dossier's ``details`` object (empty values left out)."""
        out: dict[str, Any] = {}
        for name in DETAIL_FIELDS:
            value = getattr(self, name)
            if value not in ("", None):
                out[name] = value
        return out


DETAIL_FIELDS = (
    "scope",
    "systems_affected",
    "handling_state",
    "attack_vector",
    "care_impact",
    "patient_transfers",
    "structure_impact",
    "cert_support",
    "attacker_ips",
    "ransom_note",
    "group_name",
    "onion_addresses",
    "wallet_addresses",
    "ransom_amount",
    "ransom_paid",
    "it_provider",
    "losses_estimate",
    "complainant",
    "authority_proof",
    "persons_channel",
)
