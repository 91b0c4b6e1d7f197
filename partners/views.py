from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from diz_portal import sections
from partners.models import Partner


@require_safe
def partner_list(request):
    partners = Partner.objects.published().prefetch_related("districts")
    return render(request, "partners/partner_list.html", {"partners": partners})


@require_safe
def partner_detail(request, slug):
    partner = get_object_or_404(Partner.objects.published(), slug=slug)
    return render(
        request,
        "partners/partner_detail.html",
        {"partner": partner, "sections": sections.collect("partner_detail", request, partner)},
    )


@login_required
@require_safe
def dashboard(request):
    partners = list(Partner.objects.for_user(request.user).order_by("name"))
    return render(
        request,
        "partners/dashboard.html",
        {"partners": partners, "sections": sections.collect("dashboard", request, partners)},
    )
