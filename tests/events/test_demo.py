import pytest
from django.utils import timezone

from events import demo
from events.models import Event, EventSeries
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_loads_real_past_and_illustrative_upcoming_events_idempotently():
    factories.make_partner("Epping Forest District Council", slug="epping-forest-district-council")
    demo.load()
    count = Event.objects.count()
    demo.load()
    assert Event.objects.count() == count >= 12
    assert EventSeries.objects.filter(name="Smart Place Seminar Series").exists()
    ware = Event.objects.get(slug="smart-place-seminar-ware-2019")
    assert timezone.localtime(ware.start).date().isoformat() == "2019-04-26"
    assert ware.venue_name == "Fletcher's Lea"
    assert [p.slug for p in ware.hosts.all()] == ["epping-forest-district-council"]
    bt = Event.objects.get(slug="next-generation-of-digital-adoption-2020")
    assert bt.venue_name == "BT Tower"
    now = timezone.now()
    for event in Event.objects.filter(start__gt=now):
        assert "Illustrative" in event.title or "Illustrative" in event.summary, event.title
        event.full_clean()
    assert Event.objects.filter(start__gt=now).count() == 4
    for event in Event.objects.all():
        event.full_clean()
