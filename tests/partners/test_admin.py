import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from diz_portal.roles import PROGRAMME_MANAGER_GROUP
from partners.models import Invitation, Membership, Partner, PartnerChange
from tests import factories
from tests.partners.factories import give_totp, make_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, manager):
    give_totp(manager)
    client.force_login(manager)
    return client


def test_programme_manager_group_holds_every_partners_permission(manager):
    group = Group.objects.get(name=PROGRAMME_MANAGER_GROUP)
    granted = set(group.permissions.values_list("content_type__model", "codename"))
    for model in [Partner, Membership, Invitation, PartnerChange, Partner.history.model]:
        opts = model._meta
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        for action in ("add", "change", "delete", "view"):
            assert (content_type.model, f"{action}_{opts.model_name}") in granted, (model, action)
    assert manager.has_perm("partners.change_partner")
    assert manager.has_perm("partners.add_invitation")
    assert not manager.is_superuser


def test_partner_admin_list_search_filters_and_view_on_site(admin_client, partner_a, partner_b):
    url = reverse("admin:partners_partner_changelist")
    response = admin_client.get(url)
    assertContains(response, "Alpha District Council")
    assertContains(response, "Recent changes by partners")
    assertContains(response, "Harlow")  # the districts column
    response = admin_client.get(url, {"q": "beta"})
    assertContains(response, "Beta Health Trust")
    assertNotContains(response, "Alpha District Council")
    district = factories.district("uttlesford")
    response = admin_client.get(url, {"districts__id__exact": district.pk})
    assertContains(response, "Beta Health Trust")
    assertNotContains(response, "Alpha District Council")
    response = admin_client.get(url, {"sector__exact": "local-authority"})
    assertContains(response, "Alpha District Council")
    change = admin_client.get(reverse("admin:partners_partner_change", args=[partner_a.pk]))
    assertContains(change, "View on site")
    assertContains(change, "members")  # the membership inline


def test_membership_reads_as_the_person_at_the_partner(partner_a):
    jane = factories.make_user("jane@example.org", first_name="Jane", last_name="Smith")
    membership = Membership.objects.create(user=jane, partner=partner_a)
    assert str(membership) == "Jane Smith (jane@example.org) at Alpha District Council"
    nameless = factories.make_user("officer@example.org")
    membership = Membership.objects.create(user=nameless, partner=partner_a)
    assert str(membership) == "officer@example.org at Alpha District Council"


def test_members_inline_names_each_member_without_a_query_per_row(admin_client):
    partner = factories.make_partner("Harlow Council")
    jane = factories.make_user("jane@example.org", first_name="Jane", last_name="Smith")
    Membership.objects.create(user=jane, partner=partner)
    url = reverse("admin:partners_partner_change", args=[partner.pk])
    admin_client.get(url)  # content types and permissions cached, as on any later visit
    with CaptureQueriesContext(connection) as one:
        response = admin_client.get(url)
    assertContains(response, "Jane Smith (jane@example.org) at Harlow Council")
    assertNotContains(response, f"{jane.pk} in {partner.pk}")
    # The user box still names the account and links to it.
    assertContains(response, reverse("admin:auth_user_change", args=[jane.pk]))
    for _ in range(5):
        factories.make_member(partner)
    with CaptureQueriesContext(connection) as six:
        response = admin_client.get(url)
    assertContains(response, " at Harlow Council</label>", count=6)  # each Delete box
    assert len(six) == len(one), [q["sql"][:120] for q in six.captured_queries]


def test_partner_admin_changelist_queries_are_fixed(admin_client):
    for i in range(3):
        factories.make_partner(f"Small {i}", districts=("harlow", "uttlesford"))
    url = reverse("admin:partners_partner_changelist")
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    for i in range(40):
        factories.make_partner(f"More {i}", districts=("harlow", "uttlesford"))
    with CaptureQueriesContext(connection) as large:
        admin_client.get(url)
    assert len(large) == len(small)


def test_admin_edit_is_in_history_with_revert(admin_client, manager, partner_a):
    change_url = reverse("admin:partners_partner_change", args=[partner_a.pk])
    data = {
        "name": partner_a.name,
        "slug": partner_a.slug,
        "sector": "health-acute",
        "published": "on",
        "date_joined": "",
        "short_description": "Changed in admin",
        "description": "",
        "website": "",
        "contact_email": "",
        "districts": [factories.district("harlow").pk],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    partner_a.refresh_from_db()
    assert partner_a.sector == "health-acute"
    record = partner_a.history.filter(history_user=manager).first()
    assert record is not None
    history = admin_client.get(reverse("admin:partners_partner_history", args=[partner_a.pk]))
    assertContains(history, "Changed in admin")
    first = partner_a.history.order_by("history_id").first()
    revert_url = reverse(
        "admin:partners_partner_simple_history", args=[partner_a.pk, first.history_id]
    )
    assertContains(admin_client.get(revert_url), "Revert")


def test_recent_changes_by_partners_lists_partner_edits_only(client, member, manager, partner_a):
    # A partner user edits on the dashboard; the programme manager edits in the admin.
    client.force_login(member)
    client.post(
        reverse("dashboard:partners-edit", kwargs={"slug": "alpha"}),
        {
            "short_description": "Edited by the member",
            "description": "",
            "website": "https://alpha.example.org/",
            "contact_email": "",
            "districts": [factories.district("uttlesford").pk],
        },
    )
    partner_a.description = "Staff edit"
    partner_a._history_user = manager
    partner_a.save()
    give_totp(manager)
    client.force_login(manager)
    url = reverse("admin:partners_partnerchange_changelist")
    response = client.get(url)
    assertContains(response, "Recent changes by partners")
    assertContains(response, member.email)
    assertNotContains(response, manager.email + "</td>")
    assertContains(response, "short description")
    assertContains(response, "districts (added Uttlesford; removed Harlow)")
    assertContains(response, reverse("admin:partners_partner_history", args=[partner_a.pk]))
    index = client.get(reverse("admin:index"))
    assertContains(index, url)


def test_recent_changes_queries_are_fixed(client, manager):
    give_totp(manager)
    member_users = []
    for i in range(3):
        partner = factories.make_partner(f"P{i}")
        member_users.append((partner, factories.make_member(partner)))

    def edit_all(times):
        for partner, user in member_users:
            for n in range(times):
                partner.short_description = f"Edit {n}"
                partner._history_user = user
                partner.save()

    edit_all(1)
    client.force_login(manager)
    url = reverse("admin:partners_partnerchange_changelist")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    edit_all(10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assertContains(response, "short description")
    assert len(large) == len(small)


def test_recent_changes_is_read_only(admin_client, member, partner_a):
    partner_a._history_user = member
    partner_a.save()
    row = PartnerChange.objects.first()
    assert admin_client.get(reverse("admin:partners_partnerchange_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:partners_partnerchange_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert PartnerChange.objects.filter(pk=row.pk).exists()


def test_invitation_admin_lists_status_and_hides_the_token(admin_client, partner_a):
    invitation, token = make_invitation(partner_a, email="kim@example.org")
    response = admin_client.get(reverse("admin:partners_invitation_changelist"))
    assertContains(response, "kim@example.org")
    assertContains(response, "Pending")
    change = admin_client.get(reverse("admin:partners_invitation_change", args=[invitation.pk]))
    assertNotContains(change, token)
    assertNotContains(change, invitation.token_hash)
    response = admin_client.get(
        reverse("admin:partners_invitation_changelist"), {"status": "expired"}
    )
    assertNotContains(response, "kim@example.org")


def test_members_and_partner_users_cannot_reach_the_admin(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:partners_partner_changelist"))
    assert response.status_code == 302
    assert "Alpha" not in response.content.decode()
