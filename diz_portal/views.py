from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from diz_portal import search, sections
from diz_portal.models import ContentVersion, Page, SiteContent


@require_safe
def home(request):
    return render(
        request,
        "home.html",
        {"content": SiteContent.objects.current(), "sections": sections.collect("home", request)},
    )


@require_safe
def page_detail(request, slug):
    page = get_object_or_404(Page.objects.published(), slug=slug)
    context = {"page": page}
    if page.slug == "about":
        context["about_pages"] = Page.objects.in_navigation().exclude(pk=page.pk)
    return render(request, "pages/page_detail.html", context)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /dashboard/",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def site_search(request):
    q = " ".join(request.GET.get("q", "").split())
    context = {"q": q, "groups": [], "total": 0, "error": None}
    status = 200
    if len(q) > search.MAX_QUERY_LENGTH:
        context["error"] = (
            f"Your search is {len(q)} characters long. Use {search.MAX_QUERY_LENGTH} "
            "characters or fewer."
        )
        context["q"] = q[: search.MAX_QUERY_LENGTH]
        status = 400
    elif q:
        results, counts = search.search(q, request.user)
        context["groups"] = search.grouped(results, counts)
        context["total"] = sum(counts.values())
    return render(request, "search/results.html", context, status=status)


@never_cache
@require_safe
def health(request):
    """A read of a real table, so a load balancer drops an app server that lost its database.

    `SELECT 1` is not enough: SQLite answers it from a missing file (creating an empty one)
    or a corrupt one. The content version row is what every cached page reads first.
    """
    try:
        ContentVersion.objects.filter(pk=1).values_list("value", flat=True).first()
    except DatabaseError:
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    return render(request, "errors/400.html", {"error_page": True}, status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", {"error_page": True}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {"error_page": True}, status=404)


def server_error(request):
    # No context processors or database: this must render even when those are what failed.
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"request": None}))
