"""The programme manager's desk: what needs attention, and what partners changed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from assets.models import Asset, Enquiry
from diz_portal.history import word_diff
from diz_portal.models import OutboundEmail
from tests.assets.factories import enable_mfa, make_asset, make_enquiry
from tests.events.factories import make_event
from tests.partners.factories import make_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, manager):
    enable_mfa(manager)
    client.force_login(manager)
    return client


def test_attention_lists_what_waits_with_links_to_filtered_lists(desk, partner_a, member):
    make_event("Proposed seminar", hosts=[partner_a], published=False, proposed_by=member)
    make_invitation(partner_a, "pending@example.org")
    make_invitation(partner_a, "late@example.org", age=timedelta(days=30))
    enquiry = make_enquiry(make_asset(owner=partner_a, reference="ALP-LC-0001"))
    # Past its first-response target (due_at: received plus 10 working days).
    Enquiry.objects.filter(pk=enquiry.pk).update(
        created_at=timezone.now() - timedelta(days=20), due_at=timezone.now() - timedelta(days=6)
    )
    stale = make_asset(owner=partner_a, reference="ALP-LC-0002")
    Asset.objects.filter(pk=stale.pk).update(
        last_verified=timezone.localdate() - timedelta(days=400)
    )
    OutboundEmail.objects.create(
        kind="test", to=["x@example.org"], subject="Hello", body="Hi", status="failed"
    )
    page = desk.get(reverse("admin:index"))
    for label, url in [
        ("Event proposals waiting to be published", "/admin/events/event/?published__exact=0"),
        ("Invitations not yet accepted", "/admin/partners/invitation/?status=pending"),
        ("Invitations that expired unused", "/admin/partners/invitation/?status=expired"),
        ("Enquiries with no response within the target", "/admin/assets/enquiry/?response=overdue"),
        ("Assets not verified for 12 months", "/admin/assets/asset/?verified=stale"),
        ("Emails that could not be sent", "/admin/diz_portal/outboundemail/?status__exact=failed"),
    ]:
        assertContains(page, label)
        assertContains(page, f'href="{url}"')
        # Every link is a filter the list understands (an unknown one redirects with ?e=1).
        response = desk.get(url)
        assert response.status_code == 200, url
        assert "e=1" not in response.get("Location", "")
    assert [
        e.pk for e in desk.get("/admin/assets/enquiry/?response=overdue").context["cl"].result_list
    ] == [enquiry.pk]


def test_nothing_waiting_says_so(desk):
    assertContains(desk.get(reverse("admin:index")), "Nothing is waiting")


def test_recent_changes_by_partners_across_models(desk, member, partner_a):
    asset = make_asset(owner=partner_a, reference="ALP-LC-0009", name="Old name")
    asset._history_user = member
    asset.name = "New name"
    asset.save()
    partner_a._history_user = member
    partner_a.description = "A new description."
    partner_a.save()
    page = desk.get(reverse("admin:index"))
    assertContains(page, "Recent changes by partners")
    assertContains(page, member.email)
    assertContains(page, "ALP-LC-0009")
    assertContains(page, "Changed: name")
    assertContains(page, reverse("admin:assets_asset_history", args=[asset.pk]))
    assertContains(page, reverse("admin:partners_partner_history", args=[partner_a.pk]))
    full = desk.get(reverse("admin:partner-changes"))
    assertContains(full, "ALP-LC-0009")
    assertNotContains(full, "manager@")
    # On a phone each change is a block whose cells name their column.
    for page_ in (page, full):
        assertContains(page_, '<table class="diz-stack">')
        assertContains(page_, f'<td data-label="Who" class="diz-break">{member.email}</td>')
        assertContains(page_, '<td data-label="Change">Changed: name</td>')


def test_recent_changes_page_is_staff_only(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:partner-changes"))
    assert response.status_code == 302


def test_long_text_changes_show_as_a_word_difference():
    old = "The district council owns the car park and the lighting columns along the High Street."
    new = "The district council owns the car park and the new lighting columns along Market Street."
    before, after = word_diff(old, new)
    assert "<ins>new </ins>" in after
    assert "<del>the High </del>" in before and "<ins>Market </ins>" in after
    assert "district council owns" in before and "district council owns" in after
    before, after = word_diff("<b>", "<i>")
    assert "&lt;b&gt;" in before and "<b>" not in before


def test_history_page_uses_the_word_difference(desk, member, partner_a):
    long = "Harlow Council leads the DIZ's work on digital connectivity across the district. " * 2
    partner_a.description = long
    partner_a.save()
    partner_a.description = long.replace("digital connectivity", "gigabit broadband")
    partner_a.save()
    page = desk.get(reverse("admin:partners_partner_history", args=[partner_a.pk]))
    assertContains(page, "<ins>gigabit broadband </ins>", html=False)
    assertContains(page, "<del>digital connectivity </del>", html=False)
    assertNotContains(page, "chars]")
    assertContains(page, 'class="table table-bordered table-striped diz-stack"')
    assertContains(page, '<td data-label="Changes">', count=partner_a.history.count())


def test_admin_forms_label_every_box(desk, partner_a, member):
    """Django's tabular inlines and date-and-time pairs leave boxes without a label; ours
    name each one (the column and the row), and short lists are labelled checkbox groups."""
    page = desk.get(reverse("admin:partners_partner_change", args=[partner_a.pk]))
    label = '<label class="visually-hidden" for="id_memberships-0-user">User ({})</label>'
    assertContains(page, label.format(f"{member.email} at {partner_a.name}"), html=True)
    assertContains(
        page,
        '<label class="visually-hidden" for="id_memberships-0-DELETE">'
        f"Delete {member.email} at {partner_a.name}</label>",
        html=True,
    )
    # The empty row the "Add another" button copies is labelled too.
    assertContains(page, 'for="id_memberships-__prefix__-user">User (new row)</label>')
    assertContains(page, 'class="radiolist" role="group" aria-label="Districts"')
    assertNotContains(page, 'class="selectfilter"')
    asset = make_asset(owner=partner_a, reference="ALP-LC-0010")
    page = desk.get(reverse("admin:assets_asset_change", args=[asset.pk]))
    assertContains(page, '<label for="id_retired_at_0">Date:</label>', html=True)
    assertContains(page, '<label for="id_retired_at_1">Time:</label>', html=True)
