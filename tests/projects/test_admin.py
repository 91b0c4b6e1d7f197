import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from projects.models import Project
from tests.projects.factories import add_funding, add_outcome, make_project, make_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, manager):
    # Staff test users come with an authenticator app (tests.factories.make_user).
    client.force_login(manager)
    return client


@pytest.fixture
def project(partner_a):
    project = make_project("Ultrafast GPs", lead=partner_a, themes=["connectivity"])
    add_funding(project, "1700000")
    add_outcome(project)
    make_update(project, "Bid succeeds")
    return project


def test_manager_sees_the_project_with_its_inlines(manager_client, project):
    response = manager_client.get(reverse("admin:projects_project_change", args=[project.pk]))
    assert response.status_code == 200
    assertContains(response, "Funding lines")
    assertContains(response, "GP sites connected")
    assertContains(response, "Bid succeeds")
    assertContains(response, "View on site")


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "active"},
        {"themes__id__exact": "1"},
        {"q": "Ultrafast"},
    ],
)
def test_changelist_filters_and_search(manager_client, project, query):
    if "themes__id__exact" in query:
        query = {"themes__id__exact": str(project.themes.get().pk)}
    response = manager_client.get(reverse("admin:projects_project_changelist"), query)
    assert response.status_code == 200
    assertContains(response, "Ultrafast GPs")


def test_changelist_filters_by_lead_partner(manager_client, project, partner_b):
    make_project("Other", lead=partner_b)
    url = reverse("admin:projects_project_changelist")
    response = manager_client.get(url, {"lead_partner__id__exact": str(project.lead_partner_id)})
    assertContains(response, "Ultrafast GPs")
    assertNotContains(response, ">Other<")


def test_manager_edit_in_admin_is_recorded_and_revertable(manager_client, manager, project):
    url = reverse("admin:projects_project_change", args=[project.pk])
    project.summary = "Changed by the manager."
    project._history_user = manager
    project.save()
    response = manager_client.get(reverse("admin:projects_project_history", args=[project.pk]))
    assertContains(response, manager.username)
    first = project.history.earliest()
    revert = reverse("admin:projects_project_simple_history", args=[project.pk, first.history_id])
    assert manager_client.get(revert).status_code == 200
    assert manager_client.get(url).status_code == 200


@pytest.mark.parametrize("model", ["projectupdate", "fundingline", "outcome", "theme"])
def test_other_models_have_history_admins(manager_client, project, model):
    response = manager_client.get(reverse(f"admin:projects_{model}_changelist"))
    assert response.status_code == 200
    obj_pk = {
        "projectupdate": lambda: project.updates.get().pk,
        "fundingline": lambda: project.funding_lines.get().pk,
        "outcome": lambda: project.outcomes.get().pk,
        "theme": lambda: project.themes.get().pk,
    }[model]()
    history = reverse(f"admin:projects_{model}_history", args=[obj_pk])
    assert manager_client.get(history).status_code == 200


def test_programme_manager_group_has_project_permissions(manager):
    for perm in ["add_project", "change_project", "delete_fundingline", "change_projectupdate"]:
        assert manager.has_perm(f"projects.{perm}")
    assert Project.objects.count() == 0
