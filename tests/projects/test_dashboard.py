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
        ({"summary": ""}, "Enter a summary of the project"),
        ({"summary": "x" * 601}, "Summary must be 600 characters or fewer"),
        ({"summary": "x" * 700}, "Summary must be 600 characters or fewer"),
        ({"outcomes-1-value": ""}, "Outcome 2: Enter the figure, for example 74"),
        ({"outcomes-1-label": ""}, "Outcome 2: Enter what was achieved"),
        ({"outcomes-1-value": "x" * 61}, "Outcome 2: Figure must be 60 characters or fewer"),
        ({"outcomes-0-order": "-1"}, "Outcome 1: Order must be 0 or more"),
        ({"outcomes-0-order": "1000"}, "Outcome 1: Order must be 999 or less"),
        ({"outcomes-0-order": "x"}, "Outcome 1: Enter a number for the order, for example 1"),
        ({"outcomes-TOTAL_FORMS": "abc"}, "We could not read the outcomes you sent"),
        ({"outcomes-TOTAL_FORMS": "25"}, "Enter 20 outcomes or fewer"),
        ({"outcomes-0-id": "999999"}, "Outcome 1: This outcome has been removed since you"),
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
    assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
    assertContains(response, message)
    # Never Django's generic wording, which does not say which field or how to fix it.
    for generic in ("This field is required", "Ensure this value", "Enter a whole number"):
        assertNotContains(response, generic)
    assert snapshot(project) == before


def test_field_errors_link_from_the_summary_and_sit_by_the_field(client, member, project, outcome):
    login(client, member)
    response = client.post(
        reverse("dashboard:projects-edit", kwargs={"pk": project.pk}),
        edit_data(project, outcome, summary="x" * 700, **{"outcomes-1-value": ""}),
    )
    assertContains(
        response, '<a href="#id_summary">Summary must be 600 characters or fewer</a>', html=True
    )
    assertContains(
        response,
        '<a href="#id_outcomes-1-value">Outcome 2: Enter the figure, for example 74</a>',
        html=True,
    )
    assertContains(
        response,
        '<p class="govuk-error-message" id="id_outcomes-1-value_error">'
        '<span class="govuk-visually-hidden">Error:</span> Enter the figure, for example 74</p>',
        html=True,
    )
    assertContains(response, "<title>Error: Edit Ultrafast GPs")


def test_edit_form_groups_each_outcome_in_a_fieldset(client, member, project, outcome):
    login(client, member)
    response = client.get(reverse("dashboard:projects-edit", kwargs={"pk": project.pk}))
    html = response.content.decode()
    # One saved outcome and two blank rows, each a GOV.UK fieldset with its own legend.
    assert html.count('<fieldset class="govuk-fieldset">') == 3
    for n in (1, 2, 3):
        assertContains(
            response,
            '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
            f"Outcome {n}</legend>",
            html=True,
        )
    # Only a saved outcome can be removed.
    assertContains(response, 'name="outcomes-0-DELETE"')
    assertNotContains(response, 'name="outcomes-1-DELETE"')
    assertContains(response, "Remove this outcome")


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
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title for the update"),
        ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
        ({"date": ""}, "date", "Enter the date of the update"),
        ({"date": "31/02/2021"}, "date", "Date must be a real date, for example 15/03/2021"),
        ({"date": "not a date"}, "date", "Date must be a real date, for example 15/03/2021"),
        ({"body": ""}, "body", "Enter the text of the update"),
    ],
)
def test_invalid_update_explains_and_changes_nothing(
    client, member, project, update, overrides, field, message
):
    login(client, member)
    before = snapshot(project)
    response = client.post(urls(project, update)["update-edit"], {**UPDATE_DATA, **overrides})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assertContains(response, "There is a problem")
    assertContains(response, f'<a href="#id_{field}">{message}</a>', html=True)
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
    assertContains(response, "Your organisation leads it")
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
