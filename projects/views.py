from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from diz_portal import sections
from diz_portal.catalogue import csv_response
from partners.models import Membership, Partner
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
def export_csv(request):
    """Published projects with their funding lines as open data (listed in /data.json): one row
    per funding line, and one row with empty funding cells for a project that has none."""
    projects = (
        Project.objects.published()
        .select_related("lead_partner")
        .prefetch_related("themes", "districts", "funding_lines")
        .order_by("slug")
    )
    header = [
        "project_slug",
        "project_title",
        "status",
        "lead_partner",
        "start_date",
        "end_date",
        "themes",
        "districts",
        "funder",
        "programme",
        "amount_gbp",
        "funding_status",
        "project_url",
    ]

    def rows():
        for project in projects:
            common = [
                project.slug,
                project.title,
                project.status,
                project.lead_partner.name if project.lead_partner else "",
                project.start_date,
                project.end_date,
                ";".join(theme.slug for theme in project.themes.all()),
                ";".join(district.slug for district in project.districts.all()),
            ]
            url = f"{settings.SITE_URL}{project.get_absolute_url()}"
            lines = project.funding_lines.all()
            if not lines:
                yield [*common, "", "", "", "", url]
            for line in lines:
                yield [*common, line.funder, line.programme, line.amount, line.status, url]

    return csv_response(header, rows(), "diz-projects-funding.csv")


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
