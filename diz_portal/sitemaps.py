"""/sitemap.xml: every public page. Partners-only and retired assets never appear.

The index lists the site's own sections and content pages, then each app's sitemaps (the
`sitemaps()` hook in its publishing.py, subclassing PortalSitemap); /sitemap-sections.xml
lists the home page, then each app's section pages (its `sitemap_sections()` hook).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from diz_portal.hooks import hooks
from diz_portal.models import Page


class PortalSitemap(Sitemap):
    protocol = urlsplit(settings.SITE_URL).scheme or "https"
    limit = 5000

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class SectionSitemap(PortalSitemap):
    priority = 0.8

    def items(self):
        names = [name for func in hooks("publishing", "sitemap_sections") for name in func()]
        return ["home", *names]

    def location(self, item):
        return reverse(item)


class PageSitemap(PortalSitemap):
    def items(self):
        return Page.objects.published().order_by("pk")

    def lastmod(self, page):
        return page.updated_at


def collect():
    """{section: Sitemap class} for the index: the site's own, then every app's."""
    sitemaps = {"sections": SectionSitemap, "pages": PageSitemap}
    for func in hooks("publishing", "sitemaps"):
        sitemaps.update(func())
    return sitemaps
