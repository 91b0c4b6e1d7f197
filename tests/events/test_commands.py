from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from events.models import Registration
from tests.events.factories import make_event, make_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrations():
    now = timezone.now()
    old = make_event("Old", start=now - timedelta(days=400))
    recent = make_event("Recent", start=now - timedelta(days=30))
    return {
        "old": make_registration(old, "old@example.org", needs="Wheelchair"),
        "recent": make_registration(recent, "recent@example.org"),
    }


def test_purge_removes_personal_data_and_history_of_old_events(registrations, capsys):
    old = registrations["old"]
    token = old.token
    assert Registration.history.filter(id=old.pk).exists()
    call_command("purge_registrations")
    assert "Purged personal data from 1 registration(s) for 1 event(s)" in capsys.readouterr().out
    old.refresh_from_db()
    assert (old.name, old.email, old.organisation, old.needs) == ("", "", "", "")
    assert old.purged_at is not None
    assert old.status == "confirmed"  # the count of who came is kept
    assert not Registration.history.filter(id=old.pk).exists()
    assert Registration.from_token(token) is None
    recent = Registration.objects.get(pk=registrations["recent"].pk)
    assert recent.email == "recent@example.org"


def test_purge_days_option(registrations):
    call_command("purge_registrations", "--days", "10")
    assert not Registration.objects.filter(purged_at__isnull=True).exists()


def test_purge_dry_run_changes_nothing(registrations, capsys):
    call_command("purge_registrations", "--days", "10", "--dry-run")
    assert "Would purge 2 registration(s)" in capsys.readouterr().out
    assert Registration.objects.filter(purged_at__isnull=True).count() == 2


def test_purge_rejects_negative_days(registrations):
    with pytest.raises(CommandError):
        call_command("purge_registrations", "--days", "-1")
    assert Registration.objects.filter(purged_at__isnull=True).count() == 2


def test_purge_twice_is_harmless(registrations, capsys):
    call_command("purge_registrations")
    call_command("purge_registrations")
    assert "from 0 registration(s)" in capsys.readouterr().out
