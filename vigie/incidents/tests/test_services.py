from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from vigie.accounts.models import Organisation, User
from vigie.breaches.models import Breach, EventKind
from vigie.breaches.services import mark_obligation_done
from vigie.incidents.models import Incident, IncidentController, IncidentEventKind
from vigie.incidents.services import acknowledge, create_incident, progress

pytestmark = pytest.mark.django_db


def test_each_controller_gets_a_breach_prefilled_with_the_processors_facts(incident, labs, vendor) -> None:
    links = list(incident.controllers.order_by("pk"))
    assert [link.organisation for link in links] == labs
    assert [link.code for link in links] == ["LAB1", "LAB2", "LAB3"]
    for link, lab in zip(links, labs, strict=True):
        breach = link.breach
        assert breach.organisation == lab
        assert breach.title == "Faille LaboSoft"
        assert breach.persons_count == 500000
        assert breach.data_categories == ["identity", "health"]
        assert breach.exfiltration == "confirmed"
        assert breach.processor_name == "Éditeur LaboSoft"
        assert breach.acting_as == "controller"
        assert breach.processor_informed_at == link.alert_sent_at
        assert breach.assessment is not None  # the minimum facts were given: assessed at once
    assert Breach.objects.filter(organisation=vendor).count() == 0


def test_the_alert_goes_to_each_controllers_owners_and_dpo_with_its_link(incident, mailoutbox) -> None:
    assert len(mailoutbox) == 3
    links = list(incident.controllers.order_by("pk"))
    for message, link, number in zip(mailoutbox, links, (1, 2, 3), strict=True):
        assert sorted(message.to) == [f"dpo@lab{number}.example", f"owner@lab{number}.example"]
        assert message.subject == "[Vigie] Alerte de violation de votre sous-traitant Éditeur LaboSoft"
        assert f"/organisations/{link.organisation_id}/incidents/alertes/{link.pk}/" in message.body
        assert link.breach.reference in message.body
        assert "Laboratoire n° 2" not in message.body or number == 2  # controllers never see each other


def test_both_journals_record_the_alert(incident) -> None:
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == [IncidentEventKind.DECLARED] + [IncidentEventKind.ALERT_SENT] * 3
    for link in incident.controllers.all():
        assert link.breach.events.filter(kind=EventKind.PROCESSOR_ALERT).count() == 1


def test_acknowledging_starts_the_controllers_clock_at_its_awareness(incident, labs) -> None:
    link = incident.controllers.get(organisation=labs[0])
    owner = User.objects.get(email="owner@lab1.example")
    before = link.breach.became_aware_at
    acknowledge(link, by=owner)
    link.refresh_from_db()
    breach = Breach.objects.get(pk=link.breach_id)
    assert link.acknowledged_at is not None and link.acknowledged_by == owner
    assert breach.became_aware_at == link.acknowledged_at > before
    assert breach.cnil_deadline == breach.became_aware_at + timedelta(hours=72)
    assert breach.events.filter(kind=EventKind.ALERT_ACKNOWLEDGED).count() == 1
    assert incident.events.filter(kind=IncidentEventKind.ACKNOWLEDGED, data__organisation=labs[0].pk).count() == 1
    # The other controllers' clocks did not move.
    other = incident.controllers.get(organisation=labs[1])
    assert other.acknowledged_at is None
    assert other.breach.became_aware_at == before


def test_the_controller_may_state_an_earlier_awareness(incident, labs) -> None:
    link = incident.controllers.get(organisation=labs[0])
    earlier = timezone.now() - timedelta(hours=10)
    acknowledge(link, by=None, aware_at=earlier)
    assert Breach.objects.get(pk=link.breach_id).became_aware_at == earlier


def test_an_alert_is_acknowledged_once_and_only_by_a_member(incident, labs, vendor_user) -> None:
    link = incident.controllers.get(organisation=labs[0])
    with pytest.raises(PermissionDenied):
        acknowledge(link, by=vendor_user)  # the processor cannot acknowledge for its client
    with pytest.raises(PermissionDenied):
        acknowledge(link, by=User.objects.get(email="reader@lab1.example"))
    assert IncidentController.objects.get(pk=link.pk).acknowledged_at is None
    acknowledge(link, by=User.objects.get(email="owner@lab1.example"))
    first = IncidentController.objects.get(pk=link.pk).acknowledged_at
    with pytest.raises(ValidationError):
        acknowledge(link, by=User.objects.get(email="owner@lab1.example"))
    assert IncidentController.objects.get(pk=link.pk).acknowledged_at == first


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"persons_count": "beaucoup"}, "persons_count"),
        ({"data_categories": ["health", "poetry"]}, "data_categories"),
        ({"origin": "aliens"}, "origin"),
        ({"became_aware_at": "2026-01-01T10:00:00+01:00"}, "became_aware_at"),
        ({"colour": "red"}, "colour"),
        ({"occurred_at": "2026-01-01 10:00"}, "occurred_at"),
    ],
)
def test_wrong_facts_are_refused_and_nothing_is_created(
    vendor, vendor_user, labs, facts, bad, reason, mailoutbox
) -> None:
    with pytest.raises(ValidationError) as error:
        create_incident(vendor, controllers=[(labs[0], "A")], facts={**facts, **bad}, title="T", by=vendor_user)
    assert any(message.startswith(f"{reason}: ") for message in error.value.messages)
    assert not Incident.objects.exists() and not Breach.objects.exists() and not mailoutbox


def test_controllers_must_be_distinct_with_distinct_codes(vendor, vendor_user, labs, facts) -> None:
    for controllers in ([(labs[0], "A"), (labs[0], "B")], [(labs[0], "A"), (labs[1], " a ")], [(vendor, "V")], []):
        with pytest.raises(ValidationError):
            create_incident(vendor, controllers=controllers, facts=facts, title="T", by=vendor_user)
    assert not Incident.objects.exists()


def test_only_a_member_of_the_processor_declares(vendor, labs, facts, make_user) -> None:
    with pytest.raises(PermissionDenied):
        create_incident(vendor, controllers=[(labs[0], "A")], facts=facts, title="T", by=make_user())
    assert not Incident.objects.exists()


def test_progress_gives_dates_and_counts_per_controller(incident, labs) -> None:
    link = incident.controllers.get(organisation=labs[0])
    owner = User.objects.get(email="owner@lab1.example")
    acknowledge(link, by=owner)
    done_at = timezone.now() - timedelta(minutes=5)
    mark_obligation_done(Breach.objects.get(pk=link.breach_id), "notify_cnil", by=owner, done_at=done_at,
                         reference="CNIL-42")  # fmt: skip
    rows = {row.organisation_id: row for row in progress(incident)}
    assert list(rows) == [lab.pk for lab in labs]
    first, second = rows[labs[0].pk], rows[labs[1].pk]
    assert first.acknowledged_at is not None and second.acknowledged_at is None
    assert first.cnil_required is True and first.cnil_notified_at == done_at
    assert second.cnil_notified_at is None and second.overdue == 0
    assert (first.persons_informed, first.persons_total) == (0, 0)
    data = first.as_json()
    assert data["cnil"]["notified"] is True
    assert set(data) == {"organisation", "name", "code", "breach", "alert_sent_at", "acknowledged_at", "cnil",
                         "persons", "overdue", "closed"}  # fmt: skip


def test_overdue_obligations_are_counted(incident, labs) -> None:
    link = incident.controllers.get(organisation=labs[2])
    acknowledge(link, by=None, aware_at=timezone.now() - timedelta(hours=80))
    rows = {row.organisation_id: row for row in progress(incident)}
    assert rows[labs[2].pk].overdue >= 1
    assert rows[labs[0].pk].overdue == 0


def test_organisations_outside_the_incident_see_nothing_of_it(incident, make_org) -> None:
    stranger: Organisation = make_org("Cabinet étranger")
    assert not Incident.objects.for_org(stranger).exists()
    assert not IncidentController.objects.for_org(stranger).exists()
    assert IncidentController.objects.for_processor(stranger).count() == 0
