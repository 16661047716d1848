"""Processors (GDPR art. 28) and the ANS list of HDS-certified hosts: register, check, search, import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.models import Role
from vigie.accounts.scoping import get_for_org, org_view
from vigie.accounts.web import OrgRequest, after_post
from vigie.audit.services import record as audit

from . import hds, services
from .forms import HdsImportForm, HdsSearchForm, ProcessorForm
from .models import HdsImport, Processor
from .views import posted, require_edit, template, url


@org_view(Role.READONLY)
def processors(request: OrgRequest) -> HttpResponse:
    today = timezone.localdate()
    imported = HdsImport.objects.exists()
    rows = [
        (processor, hds.check_processor(processor, today, list_imported=imported))
        for processor in Processor.objects.for_org(request.org)
    ]
    return render(request, "compliance/processors.html", {"rows": rows, "hds_import": hds.current_import()})


def _processor_page(request: OrgRequest, instance: Processor) -> HttpResponse:
    form = ProcessorForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = services.save_processor(form.save())
        return after_post(request, url(request, "processor", saved.pk))
    today = timezone.localdate()
    context = {
        "form": form,
        "processor": instance if instance.pk else None,
        "findings": hds.check_processor(instance, today) if instance.pk else [],
        "certificate": hds.certificate_of(instance, today) if instance.pk and instance.hosts_health_data else None,
        "activities": hds.ACTIVITIES,
    }
    return render(request, template(request, "compliance/processor_form.html", {"processor-form"}), context)


@org_view(Role.MEMBER)
def processor_new(request: OrgRequest) -> HttpResponse:
    return _processor_page(request, Processor(organisation=request.org))


@org_view(Role.READONLY)
def processor(request: OrgRequest, pk: int) -> HttpResponse:
    require_edit(request)
    instance = get_for_org(Processor.objects.all(), request.org, pk)
    return _processor_page(request, instance)


@org_view(Role.MEMBER)
@require_POST
def processor_delete(request: OrgRequest, pk: int) -> HttpResponse:
    instance = get_for_org(Processor.objects.all(), request.org, pk)
    services.delete_processor(instance)
    return after_post(request, url(request, "processors"))


@org_view(Role.READONLY)
def hds_search(request: OrgRequest) -> HttpResponse:
    """Search the ANS list by name or SIREN; htmx refreshes the results as the person types."""
    form = HdsSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "query": query,
        "results": hds.search(query) if query else [],
        "hds_import": hds.current_import(),
        "today": timezone.localdate(),
        "can_import": request.user.is_staff,
    }
    return render(request, template(request, "compliance/hds.html", {"results"}), context)


@org_view(Role.OWNER)
def hds_import(request: OrgRequest) -> HttpResponse:
    """Replace the list of certified hosts. The list is shared by every organisation of the installation, so only
    its administrators (staff) may import it; ``vigie hds import FILE`` does the same from the shell."""
    if not request.user.is_staff:
        raise PermissionDenied
    form = HdsImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            source = hds.import_hosts(upload.read(), upload.name)
        except hds.HdsFileError as error:
            form.add_error("file", str(error))
        else:
            audit("compliance.hds_import", organisation=None, request=request, detail={"rows": source.rows})
            messages.success(request, _("%(count)s certificates imported.") % {"count": source.rows})
            return after_post(request, url(request, "hds_search"))
    context = {"form": form, "columns": hds.COLUMNS, "hds_import": hds.current_import()}
    return render(request, template(request, "compliance/hds_import.html", {"import-form"}), context)
