"""Partner self-service for projects under /dashboard/projects/.

Only members of a project's lead partner get past `_own_project`; everyone else gets the same
404 as for a project that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from partners.models import Membership, Partner
from projects.forms import OutcomeFormSet, ProjectTextForm, ProjectUpdateForm
from projects.models import Project, ProjectUpdate


def _own_projects(user):
    return Project.objects.led_by(Partner.objects.for_user(user))


def _own_project(request, pk):
    return get_object_or_404(_own_projects(request.user).select_related("lead_partner"), pk=pk)


def _projects_involving(user):
    """Projects the user's organisations lead or take part in: they may see these. Each
    carries `leads`: whether one of those organisations leads it (so its members may edit)."""
    led = Membership.objects.filter(user=user, partner=OuterRef("lead_partner"))
    return (
        Project.objects.involving_any(Partner.objects.for_user(user))
        .select_related("lead_partner")
        .annotate(leads=Exists(led))
    )


@login_required
@require_safe
def dashboard_list(request):
    projects = _projects_involving(request.user).order_by("title")
    return render(request, "projects/dashboard/project_list.html", {"projects": projects})


@login_required
@require_safe
def dashboard_project(request, pk):
    """The project as its partners see it: its lead's members may edit, others only read."""
    project = get_object_or_404(_projects_involving(request.user), pk=pk)
    leads = project.leads
    updates = project.updates.all()
    outcomes = project.outcomes.all()
    return render(
        request,
        "projects/dashboard/project_manage.html",
        {"project": project, "updates": updates, "outcomes": outcomes, "leads": leads},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_edit(request, pk):
    project = _own_project(request, pk)
    form = ProjectTextForm(request.POST or None, instance=project)
    outcomes = OutcomeFormSet(request.POST or None, instance=project, prefix="outcomes")
    if request.method == "POST" and form.is_valid() and outcomes.is_valid():
        with transaction.atomic():
            form.save()
            outcomes.save()
        messages.success(request, f"Saved the description and outcomes of {project.title}.")
        return redirect("dashboard:projects-manage", pk=project.pk)
    return render(
        request,
        "projects/dashboard/project_form.html",
        {"project": project, "form": form, "outcomes": outcomes},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_update_add(request, pk):
    project = _own_project(request, pk)
    update = ProjectUpdate(project=project, author=request.user)
    form = ProjectUpdateForm(request.POST or None, instance=update)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Posted the update “{update.title}”.")
        return redirect("dashboard:projects-manage", pk=project.pk)
    return render(
        request,
        "projects/dashboard/update_form.html",
        {"project": project, "form": form, "update": None},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard_update_edit(request, pk, update_pk):
    project = _own_project(request, pk)
    update = get_object_or_404(ProjectUpdate, pk=update_pk, project=project)
    form = ProjectUpdateForm(request.POST or None, instance=update)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved the update “{update.title}”.")
        return redirect("dashboard:projects-manage", pk=project.pk)
    return render(
        request,
        "projects/dashboard/update_form.html",
        {"project": project, "form": form, "update": update},
    )
