"""What the partners app publishes: partner pages in site search, an Organization in JSON-LD,
partner pages in the sitemap and the partner directory as open data (see
diz_portal/hooks.py). It also owns the rule for partners-only content in site search."""

from django.conf import settings
from django.db.models import Max
from django.urls import reverse

from diz_portal.catalogue import Dataset, Distribution
from diz_portal.search import Searchable, text
from diz_portal.sitemaps import PortalSitemap
from diz_portal.structured_data import absolute
from partners.models import Partner, can_see_restricted


def partner_document(partner):
    if not partner.published:
        return None
    return {
        "title": partner.name,
        "summary": partner.short_description,
        "body": text(partner.get_sector_display(), partner.description),
    }


def search_documents():
    return [Searchable(Partner, "partner", "Partners", partner_document)]


def sees_restricted(user):
    """Partner members and staff find partners-only entries, as they see them in the register."""
    return can_see_restricted(user)


def structured_data(partner):
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": partner.name,
        "description": partner.short_description,
        "url": partner.website or absolute(partner.get_absolute_url()),
        "mainEntityOfPage": absolute(partner.get_absolute_url()),
        "memberOf": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL,
        },
    }
    if partner.contact_email:
        data["email"] = partner.contact_email
    if partner.logo:
        data["logo"] = absolute(partner.logo.url)
    return {k: v for k, v in data.items() if v}


class PartnerSitemap(PortalSitemap):
    def items(self):
        return Partner.objects.published().order_by("pk")


def sitemap_sections():
    return ["partners:list"]


def sitemaps():
    return {"partners": PartnerSitemap}


def datasets(request):
    """The partner directory: one query, for its last change."""
    url = request.build_absolute_uri
    return [
        Dataset(
            slug="partners",
            title="DIZ partner directory",
            description=(
                "The organisations in the Essex + Herts Digital Innovation Zone partnership: "
                "councils, the NHS, colleges, the voluntary sector and business, with sector, "
                "districts, website and public contact email."
            ),
            keywords=["partnership", "organisations", "local government", "Essex", "Hertfordshire"],
            landing_page=url(reverse("partners:list")),
            modified=Partner.objects.published().aggregate(at=Max("updated_at"))["at"],
            distributions=[
                Distribution(
                    "CSV",
                    url(reverse("partners:export-csv")),
                    "text/csv",
                    "CSV",
                    "One row per published partner; districts separated by semicolons.",
                )
            ],
        )
    ]
