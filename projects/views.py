from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from diz_portal import sections
from partners.models import Partner
from projects.filters import ProjectFilter
from projects.forms import OutcomeFormSet, ProjectTextForm, ProjectUpdateForm
from projects.models import Project, ProjectUpdate, format_gbp

PAGE_SIZE = 20


@require_safe
def project_list(request):
    projects = ProjectFilter(request.GET, queryset=Project.objects.published().for_list())
    if not projects.is_valid():
        # Say what was wrong next to the filter; show no results rather than guess.
        context = {"filter": projects, "page": None, "funding_total": None}
        return render(request, "projects/project_list.html", context, status=400)
    page = Paginator(projects.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": projects,
        "page": page,
        "funding_total": format_gbp(projects.qs.funding_secured()),
    }
    return render(request, "projects/project_list.html", context)


@require_safe
def project_detail(request, slug):
    project = get_object_or_404(Project.objects.published().for_detail(), slug=slug)
    lines = list(project.funding_lines.all())
    context = {
        "project": project,
        "funding_lines": lines,
        "funding_total": format_gbp(sum(line.amount for line in lines if line.is_secured)),
        "sections": sections.collect("project_detail", request, project),
    }
    return render(request, "projects/project_detail.html", context)


# Partner self-service: /dashboard/projects/. Only members of a project's lead partner get
# past `_own_project`; everyone else gets the same 404 as for a project that does not exist.


def _own_projects(user):
    return Project.objects.led_by(Partner.objects.for_user(user))


def _own_project(request, pk):
    return get_object_or_404(_own_projects(request.user).select_related("lead_partner"), pk=pk)


@login_required
@require_safe
def dashboard_list(request):
    projects = _own_projects(request.user).select_related("lead_partner").order_by("title")
    return render(request, "projects/dashboard/project_list.html", {"projects": projects})


@login_required
@require_safe
def dashboard_project(request, pk):
    project = _own_project(request, pk)
    updates = project.updates.all()
    outcomes = project.outcomes.all()
    return render(
        request,
        "projects/dashboard/project_manage.html",
        {"project": project, "updates": updates, "outcomes": outcomes},
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
