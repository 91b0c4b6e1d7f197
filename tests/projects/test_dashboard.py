import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from projects.models import FundingLine, Outcome, Project, ProjectUpdate
from tests.factories import make_partner
from tests.projects.factories import add_funding, add_outcome, make_project, make_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(partner_a, partner_b):
    """Partner A leads it; partner B takes part (which gives B's members no rights)."""
    project = make_project(
        "Ultrafast GPs",
        lead=partner_a,
        partners=[partner_b],
        summary="Fibre to surgeries.",
        body="Original body.",
        status=Project.Status.ACTIVE,
    )
    add_funding(project, "1700000")
    return project


@pytest.fixture
def outcome(project):
    return add_outcome(project, "GP sites connected", "70")


@pytest.fixture
def update(project):
    return make_update(project, "Bid succeeds", date=datetime.date(2019, 3, 15), body="Old news.")


def login(client, user):
    if user is not None:
        client.force_login(user)


def snapshot(project):
    """Everything a dashboard request could change, to prove a refused request changed nothing."""
    project.refresh_from_db()
    return (
        project.summary,
        project.body,
        project.status,
        project.published,
        list(project.outcomes.values_list("label", "value", "order")),
        list(project.updates.values_list("title", "body", "date", "published")),
        list(FundingLine.objects.values_list("amount", "status")),
        list(project.partners.values_list("pk", flat=True)),
        Project.history.count() + ProjectUpdate.history.count() + Outcome.history.count(),
    )


def edit_data(project, outcome, **overrides):
    data = {
        "summary": "New summary.",
        "body": "New **body**.",
        "outcomes-TOTAL_FORMS": "3",
        "outcomes-INITIAL_FORMS": "1",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "20",
        "outcomes-0-id": str(outcome.pk),
        "outcomes-0-project": str(project.pk),
        "outcomes-0-label": "GP sites connected",
        "outcomes-0-value": "74",
        "outcomes-0-order": "0",
        "outcomes-1-label": "Districts reached",
        "outcomes-1-value": "5",
        "outcomes-1-order": "1",
        "outcomes-2-label": "",
        "outcomes-2-value": "",
        "outcomes-2-order": "",
    }
    data.update(overrides)
    return data


UPDATE_DATA = {"title": "74 sites live", "date": "2021-12-01", "body": "Done.", "published": "on"}


def urls(project, update):
    return {
        "manage": reverse("dashboard:projects-manage", kwargs={"pk": project.pk}),
        "edit": reverse("dashboard:projects-edit", kwargs={"pk": project.pk}),
        "update-add": reverse("dashboard:projects-update-add", kwargs={"pk": project.pk}),
        "update-edit": reverse(
            "dashboard:projects-update-edit", kwargs={"pk": project.pk, "update_pk": update.pk}
        ),
    }


@pytest.mark.parametrize("name", ["manage", "edit", "update-add", "update-edit"])
def test_get_permission_matrix(client, personas, project, update, name):
    url = urls(project, update)[name]
    expected = {"anonymous": 302, "member": 200, "outsider": 404, "manager": 404, "superuser": 404}
    if name == "manage":
        expected["outsider"] = 200  # partner B takes part: it may read, not edit
    for persona, user in personas.items():
        client.logout()
        login(client, user)
        response = client.get(url)
        assert response.status_code == expected[persona], (persona, name)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["edit", "update-add", "update-edit"])
def test_post_permission_matrix_changes_nothing_unless_member(
    client, personas, project, outcome, update, name
):
    url = urls(project, update)[name]
    data = edit_data(project, outcome) if name == "edit" else UPDATE_DATA
    for persona, user in personas.items():
        if persona == "member":
            continue
        client.logout()
        login(client, user)
        before = snapshot(project)
        response = client.post(url, data)
        assert response.status_code == (302 if persona == "anonymous" else 404), persona
        assert snapshot(project) == before, persona
    client.logout()
    login(client, personas["member"])
    before = snapshot(project)
    response = client.post(url, data)
    assertRedirects(response, urls(project, update)["manage"])
    assert snapshot(project) != before


def test_manage_page_is_read_only(client, member, project, update):
    login(client, member)
    assert client.post(urls(project, update)["manage"]).status_code == 405


def test_member_edits_summary_body_and_outcomes_with_history(client, member, project, outcome):
    login(client, member)
    data = edit_data(project, outcome)
    # Fields partners may not change are ignored even if posted.
    data.update({"status": "completed", "published": "", "title": "Hacked", "lead_partner": "99"})
    response = client.post(reverse("dashboard:projects-edit", kwargs={"pk": project.pk}), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.summary == "New summary."
    assert project.body == "New **body**."
    assert project.title == "Ultrafast GPs"
    assert project.status == Project.Status.ACTIVE
    assert project.published is True
    assert list(project.outcomes.values_list("label", "value")) == [
        ("GP sites connected", "74"),
        ("Districts reached", "5"),
    ]
    assert project.history.latest().history_user == member
    assert Outcome.history.filter(id=outcome.pk).latest().history_user == member
    assert Outcome.history.filter(label="Districts reached").get().history_user == member


def test_member_deletes_an_outcome(client, member, project, outcome):
    login(client, member)
    data = edit_data(project, outcome, **{"outcomes-0-DELETE": "on", "outcomes-1-label": ""})
    data["outcomes-1-value"] = ""
    data["outcomes-1-order"] = ""
    response = client.post(reverse("dashboard:projects-edit", kwargs={"pk": project.pk}), data)
    assert response.status_code == 302
    assert not project.outcomes.exists()
    deleted = Outcome.history.filter(id=outcome.pk, history_type="-").get()
    assert deleted.history_user == member


def test_member_cannot_touch_another_projects_outcome(client, member, partner_a, project, outcome):
    other = make_project(lead=partner_a)
    foreign = add_outcome(other, "Not yours", "1")
    login(client, member)
    # A tampered row id outside this project's outcomes: Django's inline formset ignores it.
    data = edit_data(
        project, outcome, **{"outcomes-0-id": str(foreign.pk), "outcomes-0-label": "X"}
    )
    client.post(reverse("dashboard:projects-edit", kwargs={"pk": project.pk}), data)
    foreign.refresh_from_db()
    assert (foreign.project, foreign.label, foreign.value) == (other, "Not yours", "1")
    assert not Outcome.objects.filter(label="X").exists()
    assert Outcome.history.filter(id=foreign.pk).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": ""}, "This field is required."),
        ({"summary": "x" * 601}, "Ensure this value has at most 600 characters"),
        ({"outcomes-1-value": ""}, "This field is required."),
        ({"outcomes-0-order": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"outcomes-0-order": "x"}, "Enter a whole number."),
        ({"outcomes-TOTAL_FORMS": "abc"}, "ManagementForm data is missing or has been tampered"),
        ({"outcomes-TOTAL_FORMS": "25"}, "Please submit at most 20 forms."),
    ],
)
def test_invalid_edit_explains_and_changes_nothing(
    client, member, project, outcome, overrides, message
):
    login(client, member)
    before = snapshot(project)
    response = client.post(
        reverse("dashboard:projects-edit", kwargs={"pk": project.pk}),
        edit_data(project, outcome, **overrides),
    )
    assert response.status_code == 200
    assertContains(response, "There is a problem")
    assertContains(response, message)
    assert snapshot(project) == before


def test_member_posts_an_update_with_history(client, member, project):
    login(client, member)
    response = client.post(
        reverse("dashboard:projects-update-add", kwargs={"pk": project.pk}), UPDATE_DATA
    )
    assert response.status_code == 302
    update = project.updates.get()
    assert (update.title, update.date, update.published) == (
        "74 sites live",
        datetime.date(2021, 12, 1),
        True,
    )
    assert update.author == member
    assert update.history.get().history_user == member
    public = client.get(project.get_absolute_url())
    assertContains(public, "74 sites live")


def test_member_edits_an_update_and_can_hide_it(client, member, project, update):
    login(client, member)
    response = client.post(
        urls(project, update)["update-edit"], {**UPDATE_DATA, "title": "Bid won", "published": ""}
    )
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.title == "Bid won"
    assert update.published is False
    assert update.history.latest().history_user == member
    assertNotContains(client.get(project.get_absolute_url()), f'id="update-{update.pk}"')


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"date": "31/02/2021"}, "date"),
        ({"date": "not a date"}, "date"),
        ({"body": ""}, "body"),
    ],
)
def test_invalid_update_explains_and_changes_nothing(
    client, member, project, update, overrides, field
):
    login(client, member)
    before = snapshot(project)
    response = client.post(urls(project, update)["update-edit"], {**UPDATE_DATA, **overrides})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assertContains(response, "There is a problem")
    assert snapshot(project) == before


def test_update_of_another_project_is_404_even_for_the_lead_member(
    client, member, partner_a, project, update
):
    other = make_project(lead=partner_a)
    login(client, member)
    url = reverse("dashboard:projects-update-edit", kwargs={"pk": other.pk, "update_pk": update.pk})
    before = snapshot(project)
    assert client.get(url).status_code == 404
    assert client.post(url, UPDATE_DATA).status_code == 404
    assert snapshot(project) == before


def test_member_of_a_participant_gets_404_and_the_lead_keeps_its_rights(
    client, outsider, member, partner_b, project, outcome
):
    # Partner B takes part in the project, and leads another one.
    theirs = make_project("Living Smart at Home", lead=partner_b)
    login(client, outsider)
    before = snapshot(project)
    url = reverse("dashboard:projects-edit", kwargs={"pk": project.pk})
    assert client.post(url, edit_data(project, outcome)).status_code == 404
    assert snapshot(project) == before
    assert (
        client.get(reverse("dashboard:projects-edit", kwargs={"pk": theirs.pk})).status_code == 200
    )
    client.logout()
    login(client, member)
    assert (
        client.get(reverse("dashboard:projects-edit", kwargs={"pk": theirs.pk})).status_code == 404
    )


def test_unknown_ids_are_404(client, member, project):
    login(client, member)
    assert client.get("/dashboard/projects/999999/edit/").status_code == 404
    assert client.get(f"/dashboard/projects/{project.pk}/updates/999999/edit/").status_code == 404
    assert client.get("/dashboard/projects/abc/edit/").status_code == 404


def test_dashboard_list_shows_projects_led_and_taken_part_in(client, personas, project, partner_b):
    theirs = make_project("Living Smart at Home", lead=partner_b, published=False)
    stranger = make_project("Someone else's project", lead=make_partner("Gamma College"))
    url = reverse("dashboard:projects-list")
    client.logout()
    assert client.get(url).status_code == 302
    login(client, personas["member"])
    response = client.get(url)
    assertContains(response, "Ultrafast GPs")
    assertContains(response, "your organisation leads it")
    assertNotContains(response, "Living Smart at Home")
    client.logout()
    login(client, personas["outsider"])
    response = client.get(url)
    assertContains(response, "Living Smart at Home")
    assertContains(response, "not published")
    # Partner B takes part in Ultrafast GPs: listed, read-only.
    assertContains(response, "Ultrafast GPs")
    assertContains(response, "you can read it")
    assertNotContains(response, stranger.title)
    page = client.get(reverse("dashboard:projects-manage", kwargs={"pk": project.pk}))
    assertContains(page, "Your organisation takes part")
    assertNotContains(page, "Post an update")
    assertNotContains(page, reverse("dashboard:projects-edit", kwargs={"pk": project.pk}))
    assert (
        client.get(reverse("dashboard:projects-manage", kwargs={"pk": stranger.pk})).status_code
        == 404
    )
    assert theirs.pk


def test_dashboard_section_lists_led_projects_with_links(
    client, member, project, django_assert_num_queries
):
    from django.test import RequestFactory

    from partners.models import Partner
    from projects import sections

    partners = list(Partner.objects.for_user(member))
    # the projects those partners lead, with the lead partner
    with django_assert_num_queries(1):
        section = sections.dashboard(RequestFactory().get("/"), partners)
    assert section["projects"] == [project]
    assert sections.dashboard(RequestFactory().get("/"), []) is None
    login(client, member)
    response = client.get(reverse("dashboard:index"))
    assertContains(response, "Projects you lead")
    assertContains(response, reverse("dashboard:projects-manage", kwargs={"pk": project.pk}))
    assertContains(response, reverse("dashboard:projects-update-add", kwargs={"pk": project.pk}))


@pytest.mark.parametrize("n", [5, 200])
def test_manage_page_queries_do_not_grow(client, member, project, django_assert_num_queries, n):
    for i in range(n):
        make_update(project)
        add_outcome(project, f"Figure {i}", str(i), i)
    login(client, member)
    url = reverse("dashboard:projects-manage", kwargs={"pk": project.pk})
    client.get(url)
    # session, user, the project (membership checked in the same query), updates, outcomes
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
