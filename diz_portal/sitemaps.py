"""/sitemap.xml: every public page. Partners-only and retired assets never appear."""

from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from diz_portal.models import Page


class PortalSitemap(Sitemap):
    protocol = urlsplit(settings.SITE_URL).scheme or "https"
    limit = 5000

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class SectionSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        return [
            "home",
            "partners:list",
            "projects:list",
            "assets:list",
            "assets:data",
            "events:list",
            "events:past",
        ]

    def location(self, item):
        return reverse(item)


class PageSitemap(PortalSitemap):
    def items(self):
        return Page.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


def _model(label):
    return apps.get_model(label)


class PartnerSitemap(PortalSitemap):
    def items(self):
        return _model("partners.Partner").objects.published().order_by("pk")


class ProjectSitemap(PortalSitemap):
    def items(self):
        return _model("projects.Project").objects.published().order_by("pk")


class AssetSitemap(PortalSitemap):
    priority = 0.4

    def items(self):
        # The public view of the register, exactly as an anonymous visitor sees it.
        return (
            _model("assets.Asset")
            .objects.visible_to(AnonymousUser())
            .only("pk", "reference")
            .order_by("pk")
        )


class EventSitemap(PortalSitemap):
    def items(self):
        return _model("events.Event").objects.published().order_by("pk")


SITEMAPS = {
    "sections": SectionSitemap,
    "pages": PageSitemap,
    "partners": PartnerSitemap,
    "projects": ProjectSitemap,
    "assets": AssetSitemap,
    "events": EventSitemap,
}
