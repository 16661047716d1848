"""Tenant isolation, tested on every URL of the project — including URLs added after this test was written.

A member of organisation A requests every URL pattern, with GET and with POST:
1. under organisation B's id (``/organisations/<B>/…``): the membership check must refuse;
2. under A's own id but with B's object ids, alone or mixed with A's own ids: the scoped lookups must refuse.
Every answer must be 403, 404 or 405, and no page A may see shows anything of B.

Objects of B get primary keys from ``B_PK`` up, so that no id of B can be mistaken for one of A's objects.
When you add a model that belongs to an organisation, give it an ``OrgQuerySet`` manager and create one row
of it for each organisation in ``two_tenants`` below: its ids are then tried on every URL.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from vigie.accounts.models import Invitation, Membership, Organisation, Role
from vigie.accounts.scoping import OrgQuerySet
from vigie.breaches.models import Breach, EventKind, ObligationState, TimelineEvent

B_PK = 900_000
B_MARKER = "Zyx-secret-B"
SMALL_NUMBERS = [0, 1, 2]
STRING_VALUES = ("notify_cnil", "cnil-initial", "letter", "pdf", "x")


@dataclass
class Route:
    regex: str
    converters: dict[str, str]  # parameter name → converter kind ("int", "str", "slug", "path", "uuid")
    name: str


def _walk(patterns: list, prefix: str = "", converters: dict[str, str] | None = None, ns: str = "") -> Iterator[Route]:
    converters = dict(converters or {})
    for entry in patterns:
        pattern = entry.pattern
        route = str(pattern)
        here = dict(converters)
        for key, conv in getattr(pattern, "converters", {}).items():
            here[key] = type(conv).__name__.replace("Converter", "").lower()
        if isinstance(entry, URLResolver):
            namespace = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from _walk(entry.url_patterns, prefix + route, here, namespace)
        elif isinstance(entry, URLPattern):
            yield Route(prefix + route, here, f"{ns}{entry.name or ''}")


def _fill(route: str, values: dict[str, object]) -> str:
    url = route
    for key, value in values.items():
        url = _replace_param(url, key, str(value))
    return "/" + url.lstrip("^").rstrip("$").lstrip("/")


def _replace_param(route: str, key: str, value: str) -> str:
    return re.sub(r"<(?:\w+:)?" + re.escape(key) + r">", value, route)


def _org_pks_by_model(org: Organisation) -> dict[str, set[int]]:
    """Primary keys of every row that belongs to ``org``, by model name, for every model with an organisation
    queryset (and the memberships and invitations)."""
    pks: dict[str, set[int]] = {}
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, OrgQuerySet):
            pks[model._meta.model_name] = set(queryset.for_org(org).values_list("pk", flat=True))
    for model in (Membership, Invitation):
        pks[model._meta.model_name] = set(model.objects.filter(organisation=org).values_list("pk", flat=True))
    return pks


def _org_pks(org: Organisation) -> set[int]:
    """Primary keys of every row that belongs to ``org``, across every model with an organisation queryset."""
    return set().union(*_org_pks_by_model(org).values())


def _pool_for(key: str, by_model: dict[str, set[int]], every: list[int]) -> list[int]:
    """The ids worth trying in the URL parameter ``key``.

    A parameter named after a model (``breach_pk``, ``campaign_id``, ``deposit_pk`` → ``LetterDeposit``) only
    ever looks up that model, and an id of another model is simply absent from its table: only that model's ids
    can reveal a missing check. A bare ``pk`` says nothing of its model: it gets every id. An integer that is not
    an id (``number``, a letter batch's rank within its campaign) gets small numbers, those the objects hold.
    Each organisation's ids are distinct across models, so this loses no case the full product would find.
    """
    if key == "pk":
        return every
    stem = re.sub(r"_(?:id|pk)$", "", key)
    if stem == key:  # not an object's id but a number within one (a letter batch's ``number``)
        return SMALL_NUMBERS
    models = [name for name in by_model if name == stem or name.endswith(stem)]
    if not models:
        return every
    return sorted(set().union(*(by_model[name] for name in models)))


def _populate(org: Organisation, *, pk_base: int | None, marker: str, user) -> None:
    def pk(offset: int) -> dict[str, int]:
        return {} if pk_base is None else {"pk": pk_base + offset}

    breach = Breach.objects.create(
        **pk(1),
        organisation=org,
        reference=f"{marker}-1",
        title=f"Rançongiciel {marker}",
        became_aware_at=timezone.now() - timedelta(hours=5),
        breach_types=["confidentiality", "availability"],
        origin="ransomware",
        malicious=True,
        data_categories=["identity", "health"],
        persons_count=1200,
        description=f"Description {marker}",
    )
    ObligationState.objects.create(**pk(2), breach=breach, obligation="notify_cnil", reference=f"CNIL-{marker}")
    TimelineEvent.objects.create(**pk(3), breach=breach, kind=EventKind.NOTE, author=user, summary=f"Note {marker}")
    Invitation.objects.create(**pk(4), organisation=org, email=f"invite-{marker.lower()}@example.fr", role=Role.MEMBER)
    # Documents (offset 6): an organisation's own letter text.
    from vigie.documents.models import IncidentDetails, LetterTemplate

    LetterTemplate.objects.create(**pk(6), organisation=org, kind="letter", version=1, body=f"Lettre {marker}")
    # Documents (offset 7): the incident details recorded for the complaint and the ARS report.
    IncidentDetails.objects.create(**pk(7), breach=breach, group_name=f"Groupe {marker}")
    # Campaigns (offsets 60–64): a campaign, one recipient, one ledger entry, one letter batch and its deposit.
    from vigie.campaigns.models import Campaign, DeliveryEvent, LetterBatch, LetterDeposit, Recipient

    campaign = Campaign.objects.create(**pk(60), breach=breach, source_name=f"{marker}.csv", status="done")
    recipient = Recipient.objects.create(**pk(61), campaign=campaign, line=2, identity_hash=marker[:32])
    DeliveryEvent.objects.create(**pk(62), campaign=campaign, recipient=recipient, kind="retry", detail=marker)
    deposit = LetterDeposit.objects.create(
        **pk(64), campaign=campaign, deposited_on=timezone.localdate(), letters=1, receipt=b"%PDF-1.4 " + marker.encode(),
        receipt_name=f"{marker}.pdf", receipt_type="application/pdf",
    )  # fmt: skip
    LetterBatch.objects.create(
        **pk(63), campaign=campaign, number=1, size=1, rendered_at=timezone.now(), deposit=deposit
    )
    # Leak matchings (offsets 70–71): a matching to review against the campaign, and one pair of it.
    from vigie.leaks.models import LeakMatching, LeakPair

    matching = LeakMatching.objects.create(
        **pk(70), breach=breach, leak_name=f"{marker}.csv", status="ready", source_campaign=campaign,
        counts={"rows": 1, "match": 0, "review": 1, "none": 0},
    )  # fmt: skip
    LeakPair.objects.create(**pk(71), matching=matching, leak_line=2, patient_line=2, score=0.9, decision="review")
    # Incidents (offsets 100–104): an incident declared by the organisation, a controller's link to its breach,
    # a journal entry, a split of the leaked file, a controller not on Vigie.
    from vigie.incidents.models import ExternalController, Incident, IncidentController, IncidentEvent, Split

    incident = Incident.objects.create(**pk(100), processor=org, title=f"Incident {marker}", facts={"m": marker})
    IncidentController.objects.create(**pk(101), incident=incident, organisation=org, code=marker, breach=breach,
                                      alert_sent_at=timezone.now())  # fmt: skip
    IncidentEvent.objects.create(**pk(102), incident=incident, kind="declared", summary=f"Incident {marker}")
    Split.objects.create(**pk(103), incident=incident, source_name=f"{marker}.csv", key_column=marker,
                         counts={"external": {str(pk_base + 104 if pk_base else 0): 1}})  # fmt: skip
    from vigie.incidents.models import SplitUpload

    SplitUpload.objects.create(**pk(105), incident=incident, source_name=f"{marker}.csv", headers=[marker],
                               key_column=marker, status="ready", preview={"rows": 1, "unassigned": 1})  # fmt: skip
    ExternalController.objects.create(**pk(104), incident=incident, name=f"Labo {marker}", code=f"X{marker}",
                                      email=f"dpo-{marker.lower()}@example.fr", alert_status="failed")  # fmt: skip
    # Compliance (offsets 80–85): notice profile, record activity and version, assessment, action, processor.
    from vigie.compliance.models import (
        Action,
        Assessment,
        ComplianceProfile,
        ProcessingActivity,
        Processor,
        RecordVersion,
    )

    ComplianceProfile.objects.create(**pk(80), organisation=org, public_token=f"token-{marker.lower()}")
    ProcessingActivity.objects.create(
        **pk(81), organisation=org, name=f"Dossier {marker}", purposes=marker, legal_basis=marker, retention=marker
    )
    RecordVersion.objects.create(
        **pk(82), organisation=org, number=1, note=f"Version {marker}", snapshot={"activities": []}
    )
    assessment = Assessment.objects.create(**pk(83), organisation=org, answers={"mssante": "no"})
    Action.objects.create(**pk(84), organisation=org, assessment=assessment, title=f"Action {marker}")
    Processor.objects.create(**pk(85), organisation=org, name=f"Hébergeur {marker}", hosts_health_data=True)
    # API (offsets 90–94): a token, a webhook, one delivery and its try, an emitted moment.
    from vigie.api.models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookNotice

    ApiToken.objects.create(**pk(90), organisation=org, user=user, name=f"Jeton {marker}", prefix=marker.lower()[:12],
                            token_hash=(marker.lower() * 8)[:64])  # fmt: skip
    endpoint = WebhookEndpoint.objects.create(
        **pk(91), organisation=org, url=f"https://{marker.lower()}.example.org/hook", events=["breach.created"],
        description=f"Webhook {marker}", secret_encrypted=b"x",
    )  # fmt: skip
    delivery = WebhookDelivery.objects.create(
        **pk(92), endpoint=endpoint, message_id=f"msg_{marker}", event_type="breach.created", payload={"m": marker}
    )
    WebhookAttempt.objects.create(**pk(93), delivery=delivery, number=1, status_code=500, response_excerpt=marker)
    WebhookNotice.objects.create(**pk(94), organisation=org, key=f"notice:{marker}")


@pytest.fixture
def two_tenants(make_org, make_member, make_user):
    org_a = make_org("Cabinet Alpha")
    user_a = make_member(org_a, Role.OWNER)
    _populate(org_a, pk_base=None, marker="Alpha", user=user_a)

    org_b = Organisation.objects.create(pk=B_PK, name=f"Laboratoire {B_MARKER}", kind="laboratoire")
    user_b = make_user(email=f"owner-{B_MARKER.lower()}@example.fr")
    # B's membership is one of B's objects too: its id must be in B's range.
    Membership.objects.create(pk=B_PK + 5, user=user_b, organisation=org_b, role=Role.OWNER)
    _populate(org_b, pk_base=B_PK, marker=B_MARKER, user=user_b)
    return org_a, user_a, org_b


def _check(client: Client, url: str, failures: list[str], *, refuse: bool) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url, follow=False)
        body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
        if refuse and response.status_code not in (403, 404, 405):
            failures.append(f"{method.upper()} {url} → {response.status_code}")
        if B_MARKER.lower() in body.lower():
            failures.append(f"{method.upper()} {url} shows data of organisation B")


def _group(route: Route) -> str:
    """The URL namespace a route belongs to (``campaigns``, ``api``…): the walk is split by it, so that the
    parallel test workers share it."""
    return route.name.split(":")[0] if ":" in route.name else "-"


ROUTE_GROUPS = sorted({_group(route) for route in _walk(get_resolver().url_patterns)})


def test_the_walk_covers_the_organisation_urls_of_every_app() -> None:
    routes = list(_walk(get_resolver().url_patterns))
    org_groups = {_group(route) for route in routes if "org_id" in route.converters}
    assert {"accounts", "breaches", "campaigns", "compliance", "documents", "incidents", "leaks"} <= org_groups
    assert set(ROUTE_GROUPS) == {_group(route) for route in routes}


@pytest.mark.parametrize("group", ROUTE_GROUPS)
def test_no_url_lets_a_member_of_a_reach_organisation_b(client: Client, two_tenants, signed_in, group: str) -> None:
    org_a, user_a, org_b = two_tenants
    signed_in(client, user_a)
    a_by_model = _org_pks_by_model(org_a)
    b_by_model = _org_pks_by_model(org_b)
    a_values = sorted(_org_pks(org_a) | {org_a.pk})
    b_values = sorted(_org_pks(org_b))
    both = {name: a_by_model.get(name, set()) | ids for name, ids in b_by_model.items()}
    assert b_values and min(b_values) >= B_PK and max(a_values) < B_PK

    routes = [route for route in _walk(get_resolver().url_patterns) if _group(route) == group]
    org_routes = [r for r in routes if "org_id" in r.converters]
    failures: list[str] = []
    tried = 0
    for route in routes:
        if "org_id" not in route.converters:
            if not route.converters:  # a page without parameters: it may be open, but never shows B
                _check(client, _fill(route.regex, {}), failures, refuse=False)
                signed_in(client, user_a)  # such a page may have ended the session (signing out)
                tried += 1
            continue
        params = [key for key in route.converters if key != "org_id"]

        def value_sets(pool: list[int], *, params: list[str] = params, route: Route = route) -> list[list[object]]:
            return [
                _pool_for(key, both, list(pool)) if route.converters[key] == "int" and pool else
                list(pool) if route.converters[key] == "int" else list(STRING_VALUES)
                for key in params
            ]  # fmt: skip

        # 1. Organisation B's id in the path, any object ids.
        for combo in itertools.islice(itertools.product(*value_sets(b_values + a_values)), 40):
            _check(
                client,
                _fill(route.regex, {"org_id": org_b.pk, **dict(zip(params, combo, strict=True))}),
                failures,
                refuse=True,
            )
            tried += 1
        # 2. A's own id in the path, at least one of B's object ids.
        if not any(route.converters[key] == "int" for key in params):
            _check(
                client,
                _fill(
                    route.regex,
                    {"org_id": org_a.pk, **{k: v[0] for k, v in zip(params, value_sets([]), strict=True)}},
                ),
                failures,
                refuse=False,
            )
            tried += 1
            continue
        combos = list(itertools.product(*value_sets(a_values + b_values)))
        b_reachable = any(isinstance(value, int) and value >= B_PK for combo in combos for value in combo)
        for combo in combos:
            holds_b = any(isinstance(value, int) and value >= B_PK for value in combo)
            if b_reachable and not holds_b:
                continue
            # A route that takes none of B's ids (its only integer is a rank, ``number``): A's page may answer,
            # but never with B's data.
            _check(
                client,
                _fill(route.regex, {"org_id": org_a.pk, **dict(zip(params, combo, strict=True))}),
                failures,
                refuse=holds_b,
            )
            tried += 1
    assert tried >= len(org_routes) + sum(1 for route in routes if not route.converters)
    assert tried > 0 or all(route.converters and "org_id" not in route.converters for route in routes)
    assert not failures, "Organisation B reachable from A:\n" + "\n".join(failures)


def test_organisation_pages_of_a_member_never_list_other_tenants(client: Client, two_tenants, signed_in) -> None:
    org_a, user_a, _ = two_tenants
    signed_in(client, user_a)
    failures: list[str] = []
    for route in _walk(get_resolver().url_patterns):
        if set(route.converters) == {"org_id"}:
            _check(client, _fill(route.regex, {"org_id": org_a.pk}), failures, refuse=False)
    assert not failures, "\n".join(failures)
