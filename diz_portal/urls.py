from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponse
from django.urls import include, path

from diz_portal import catalogue, sitemaps, views

# The admin signs in through allauth, so its rate limits and two-factor step apply there too.
admin.site.login = login_required(admin.site.login)

handler400 = "diz_portal.views.bad_request"
handler403 = "diz_portal.views.permission_denied"
handler404 = "diz_portal.views.page_not_found"
handler500 = "diz_portal.views.server_error"

SITEMAPS = sitemaps.collect()

# Partner self-service: one "dashboard" namespace; each app prefixes its URL names.
dashboard_patterns = [
    path("", include("partners.dashboard_urls")),
    path("projects/", include("projects.dashboard_urls")),
    path("assets/", include("assets.dashboard_urls")),
    path("events/", include("events.dashboard_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("search/", views.site_search, name="search"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("partners/", include("partners.urls")),
    path("dashboard/", include((dashboard_patterns, "dashboard"))),
    path("projects/", include("projects.urls")),
    path("assets/", include("assets.urls")),
    path("events/", include("events.urls")),
    # Open data: the OGC API for GIS, the DCAT catalogue for harvesters, and the page on both.
    path("ogcapi/", include("assets.ogcapi.urls")),
    path("data.json", catalogue.data_json, name="data-json"),
    path("open-data/", catalogue.open_data, name="open-data"),
    path("<slug:slug>/", views.page_detail, name="page"),
]

if settings.BENCH_TRIVIAL_VIEW:
    # The benchmark's baseline: the same middleware and gunicorn, no work in the view.
    urlpatterns.insert(0, path("bench/ok/", lambda request: HttpResponse("ok")))

if settings.DEBUG:
    # Uploaded logos during `make run`; in production the proxy serves /media/.
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
