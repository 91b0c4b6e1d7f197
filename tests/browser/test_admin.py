"""The programme manager's desk in the admin: axe-clean like every other page."""

import pytest
from django.urls import reverse

from tests import factories
from tests.assets.factories import make_asset
from tests.browser.conftest import assert_accessible
from tests.events.factories import make_event, with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_changes_and_history_pages(page, login):
    partner = factories.make_partner("Harlow Council", slug="harlow-council")
    member = factories.make_member(partner, "officer@harlow.example.org")
    make_event("Proposed seminar", hosts=[partner], published=False, proposed_by=member)
    asset = make_asset(owner=partner, reference="HDC-LC-0001", name="Old name")
    asset._history_user = member
    asset.notes = "A long note about the column, its bracket and the cabinet beside it. " * 2
    asset.save()
    manager = with_totp(factories.make_manager())
    login(manager)
    for url in (
        reverse("admin:index"),
        reverse("admin:partner-changes"),
        reverse("admin:assets_asset_history", args=[asset.pk]),
        reverse("admin:events_event_changelist"),
    ):
        page.goto(url)
        assert_accessible(page)
    page.goto(reverse("admin:index"))
    assert "Needs attention" in page.content()
    assert "Event proposals waiting to be published" in page.content()
    assert "HDC-LC-0001" in page.content()
