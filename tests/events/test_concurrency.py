"""Two people taking the last place at the same moment: exactly one gets it.

Real concurrent requests from threads, each on its own database connection, so this needs a
database that runs transactions side by side: PostgreSQL (CI runs the suite there too).
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client

from events.models import Event, Registration
from tests.events.factories import make_event, register

# Collected on PostgreSQL only (tests/events/conftest.py).
pytestmark = pytest.mark.django_db(transaction=True)


def _race(monkeypatch, event, people):
    """POST registrations from `people` threads at once; a pause after counting places makes
    sure every request counts before any inserts, unless the row lock keeps them apart."""
    original = Event._confirmed_count

    def slow_count(self):
        count = original(self)
        time.sleep(0.3)
        return count

    monkeypatch.setattr(Event, "_confirmed_count", slow_count)
    barrier = threading.Barrier(people)
    statuses = []

    def attempt(n):
        try:
            client = Client()
            barrier.wait()
            response = client.post(
                event.get_absolute_url(),
                {"name": f"Person {n}", "email": f"p{n}@example.org", "consent": "on"},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


def test_only_one_person_gets_the_last_place(monkeypatch):
    event = make_event(capacity=2, waitlist_enabled=False)
    register(event, "already@example.org")
    statuses = _race(monkeypatch, event, people=4)
    assert sorted(statuses) == [302, 409, 409, 409]
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2
    assert event.registrations.count() == 2


def test_with_a_waiting_list_the_others_queue(monkeypatch):
    event = make_event(capacity=1)
    statuses = _race(monkeypatch, event, people=3)
    assert statuses == [302, 302, 302]
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 1
    assert event.registrations.filter(status=Registration.Status.WAITING).count() == 2
