"""Writes of the documents app, one named function each: generating a document (journalled and logged),
recording the incident details the complaint and the ARS report quote, saving a new version of an
organisation's text, replacing its letterhead logo.

- ``generate_document(breach, kind, fmt, *, by, request=None) -> Generated``
- ``save_incident_details(breach, changes, *, by) -> IncidentDetails``
- ``save_letter_template(org, kind, body, *, by) -> LetterTemplate``
- ``save_logo(org, data, *, by) -> Letterhead`` and ``remove_logo(org, *, by)``
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from vigie.accounts.models import Organisation, User
from vigie.audit.services import record
from vigie.breaches.models import Breach
from vigie.common.limits import LimitExceeded, UploadLimits, check
from vigie.common.limits import current as upload_limits

from .dossier import build_dossier
from .models import DETAIL_FIELDS, EDITABLE_KINDS, IncidentDetails, Letterhead, LetterTemplate
from .render import CONTENT_TYPES, KINDS, filename, render
from .templating import unknown_placeholders

MAX_LOGO_BYTES = UploadLimits.image_bytes  # the default; clean_logo applies the setting
MAX_LOGO_PIXELS = (800, 400)  # a letterhead logo printed 16 mm high needs no more


@dataclass(frozen=True)
class Generated:
    content: bytes
    filename: str
    content_type: str


def generate_document(
    breach: Breach, kind: str, fmt: str, *, by: User | None, request: HttpRequest | None = None
) -> Generated:
    """Make a document of the breach from its dossier; journal it and write it to the access log."""
    from vigie.breaches.services import record_document_generated

    dossier = build_dossier(breach)
    content = render(kind, dossier, fmt)
    name = filename(kind, dossier, fmt)
    with transaction.atomic():
        record_document_generated(
            breach, by=by, kind=kind, title=f"{KINDS[kind].title} ({fmt.upper()})", data={"format": fmt, "file": name}
        )
        record(
            "document.generated",
            actor=by,
            organisation=breach.organisation,
            obj=breach,
            detail={"kind": kind, "format": fmt},
            request=request,
        )
    return Generated(content, name, CONTENT_TYPES[fmt])


def save_incident_details(breach: Breach, changes: dict[str, object], *, by: User | None) -> IncidentDetails:
    """Record the incident details given in ``changes`` (field → value) for the breach; journal which changed."""
    from vigie.breaches.services import record_details_saved

    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"not incident details: {sorted(unknown)}")
    with transaction.atomic():
        details, _created = IncidentDetails.objects.select_for_update().get_or_create(breach=breach)
        changed = [name for name in DETAIL_FIELDS if name in changes and getattr(details, name) != changes[name]]
        if not changed:
            return details
        for name in changed:
            setattr(details, name, changes[name])
        details.updated_by = by
        details.save()
        labels = [IncidentDetails._meta.get_field(name).verbose_name for name in changed]  # type: ignore[union-attr]
        record_details_saved(breach, by=by, labels=labels)
        record(
            "document.details_saved",
            actor=by,
            organisation=breach.organisation,
            obj=breach,
            detail={"fields": changed},
        )
    return details


def save_letter_template(org: Organisation, kind: str, body: str, *, by: User | None) -> LetterTemplate:
    """Save the organisation's text for ``kind`` as its next version (earlier versions are kept)."""
    if kind not in EDITABLE_KINDS:
        raise ValidationError(_("This document has no editable text."))
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Write the text before saving it.")})
    unknown = unknown_placeholders(body)
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholders: %(names)s.")
                % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}
            }
        )
    with transaction.atomic():
        # Lock the organisation's row so that two simultaneous saves cannot take the same version number.
        Organisation.objects.select_for_update().get(pk=org.pk)
        latest = LetterTemplate.objects.filter(organisation=org, kind=kind).aggregate(top=Max("version"))["top"] or 0
        template = LetterTemplate.objects.create(
            organisation=org, kind=kind, version=latest + 1, body=body, created_by=by
        )
        record(
            "document.template_saved",
            actor=by,
            organisation=org,
            obj=template,
            detail={"kind": kind, "version": template.version},
        )
    return template


def clean_logo(data: bytes) -> bytes:
    """The uploaded image re-encoded as a plain PNG (metadata dropped, at most 800 × 400 pixels), or
    ``ValidationError`` with a reason. Re-encoding means that what is stored is pixels, never the file sent."""
    limits = upload_limits()
    try:
        check("image_bytes", len(data), limits)
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            # The header gives the size: a decompression bomb is refused before a pixel is decoded.
            check("image_pixels", probe.width * probe.height, limits)
            probe.verify()
        if kind not in ("PNG", "JPEG"):
            raise ValidationError(_("The logo must be a PNG or JPEG image."))
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            converted = image.convert("RGBA")
    except LimitExceeded as error:
        raise ValidationError(str(error)) from None
    except Image.DecompressionBombError as error:  # Pillow's own guard, before ours, for the largest bombs
        found = re.search(r"\d+", str(error))
        pixels = int(found.group()) if found else 0
        raise ValidationError(str(LimitExceeded("image_pixels", found=pixels, value=limits.image_pixels))) from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(_("The file is not a readable PNG or JPEG image.")) from error
    converted.thumbnail(MAX_LOGO_PIXELS)
    output = io.BytesIO()
    converted.save(output, format="PNG", optimize=True)
    return output.getvalue()


def save_logo(org: Organisation, data: bytes, *, by: User | None) -> Letterhead:
    """Replace the organisation's letterhead logo with the re-encoded image."""
    png = clean_logo(data)
    with transaction.atomic():
        letterhead, _created = Letterhead.objects.select_for_update().get_or_create(organisation=org)
        letterhead.logo = png
        letterhead.updated_by = by
        letterhead.save()
        record("document.logo_saved", actor=by, organisation=org, obj=letterhead, detail={"bytes": len(png)})
    return letterhead


def remove_logo(org: Organisation, *, by: User | None) -> None:
    with transaction.atomic():
        Letterhead.objects.filter(organisation=org).update(logo=None, updated_by=by)
        record("document.logo_removed", actor=by, organisation=org)
