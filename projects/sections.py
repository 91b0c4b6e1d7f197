"""Sections the projects app adds to other apps' pages (see diz_portal/sections.py)."""

from projects.models import Outcome, Project, ProjectUpdate

HOME_LIMIT = 4


def home(request):
    """Featured projects on the home page: one query."""
    projects = list(Project.objects.featured().for_list().order_by("title")[:HOME_LIMIT])
    # prefetch_related on a sliced queryset still runs once: two queries in all.
    if not projects:
        return None
    return {"template": "projects/includes/home_section.html", "projects": projects}


def partner_detail(request, partner):
    """Published projects a partner leads or takes part in: one query."""
    projects = list(
        Project.objects.published()
        .involving(partner)
        .select_related("lead_partner")
        .order_by("title")
    )
    if not projects:
        return None
    return {
        "template": "projects/includes/partner_section.html",
        "partner": partner,
        "projects": projects,
    }


def dashboard(request, partners):
    """The projects the user's partners lead, with links to manage them: one query or none."""
    if not partners:
        return None
    projects = list(
        Project.objects.led_by(partners).select_related("lead_partner").order_by("title")
    )
    if not projects:
        return None
    return {"template": "projects/includes/dashboard_section.html", "projects": projects}


def partner_history():
    return [Project, ProjectUpdate, Outcome]
