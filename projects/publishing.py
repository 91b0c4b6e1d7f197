"""What the projects app publishes: project pages in site search and the sitemap, and the
projects and their funding as open data (see diz_portal/hooks.py)."""

from django.db.models import Max
from django.urls import reverse

from diz_portal.catalogue import Dataset, Distribution, latest
from diz_portal.search import Searchable
from diz_portal.sitemaps import PortalSitemap
from projects.models import FundingLine, Project


def project_document(project):
    if not project.published:
        return None
    return {"title": project.title, "summary": project.summary, "body": project.body}


def search_documents():
    return [Searchable(Project, "project", "Projects", project_document)]


class ProjectSitemap(PortalSitemap):
    def items(self):
        return Project.objects.published().order_by("pk")


def sitemap_sections():
    return ["projects:list"]


def sitemaps():
    return {"projects": ProjectSitemap}


def last_change():
    """The last change to a published project or to the history of its funding lines (which
    catches a deleted line): two queries."""
    published = Project.objects.published()
    return latest(
        published.aggregate(at=Max("updated_at"))["at"],
        FundingLine.history.filter(project_id__in=published.values("pk")).aggregate(
            at=Max("history_date")
        )["at"],
    )


def datasets(request):
    url = request.build_absolute_uri
    return [
        Dataset(
            slug="projects",
            title="DIZ projects and their funding",
            description=(
                "The partnership's digital infrastructure and services projects, with status, "
                "lead partner, dates, themes, districts and every funding line (funder, "
                "programme, amount in pounds and whether it is a bid, awarded or received)."
            ),
            keywords=["projects", "funding", "grants", "digital infrastructure", "Essex"],
            landing_page=url(reverse("projects:list")),
            modified=last_change(),
            distributions=[
                Distribution(
                    "CSV",
                    url(reverse("projects:export-csv")),
                    "text/csv",
                    "CSV",
                    "One row per funding line; a project without funding has one row.",
                )
            ],
        )
    ]
