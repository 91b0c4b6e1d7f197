"""Partner self-service: the dashboard home and a member's own organisation profile.

Membership is checked on the server through Partner.objects.for_user, so another partner's
profile answers 404 and nothing changes.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from diz_portal import sections
from partners.forms import PartnerProfileForm
from partners.models import Partner


@login_required
@require_safe
def dashboard(request):
    partners = list(Partner.objects.for_user(request.user).order_by("name"))
    return render(
        request,
        "partners/dashboard.html",
        {"partners": partners, "sections": sections.collect("dashboard", request, partners)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_edit(request, slug):
    # Membership is checked here, on the server: another partner's profile is a 404.
    queryset = Partner.objects.for_user(request.user).prefetch_related("districts")
    partner = get_object_or_404(queryset, slug=slug)
    saved_logo_url = partner.logo.url if partner.logo else ""  # before the form touches it
    form = PartnerProfileForm(request.POST or None, request.FILES or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        partner._change_reason = "Edited on the partner dashboard"
        form.save()
        messages.success(request, f"The profile of {partner.name} is saved and now public.")
        return redirect("dashboard:index")
    status = 400 if form.errors else 200
    context = {
        "partner": partner,
        "form": form,
        "saved_logo_url": saved_logo_url,
        "programme_email": settings.PROGRAMME_MANAGER_EMAIL,
    }
    return render(request, "partners/partner_form.html", context, status=status)
