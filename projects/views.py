from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from diz_portal import sections
from diz_portal.catalogue import csv_response
from projects.filters import ProjectFilter
from projects.models import Project, format_gbp

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
