from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from assets.models import Enquiry
from tests.assets.factories import enable_mfa, make_asset, make_enquiry

pytestmark = pytest.mark.django_db


def test_a_new_enquiry_has_waited_less_than_a_minute(client, member, partner_a):
    enquiry = make_enquiry(make_asset(owner=partner_a))
    assert enquiry.waited_text == "less than a minute"
    client.force_login(member)
    page = client.get(reverse("dashboard:assets-enquiries"))
    assertContains(page, "less than a minute")
    assertNotContains(page, "0\xa0minutes")
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - timedelta(days=3))
    enquiry.refresh_from_db()
    assert enquiry.waited_text.startswith("3\xa0days")


def test_admin_shows_the_same_waiting_words(client, manager, partner_a):
    enable_mfa(manager)
    make_enquiry(make_asset(owner=partner_a))
    client.force_login(manager)
    assertContains(client.get(reverse("admin:assets_enquiry_changelist")), "less than a minute")
