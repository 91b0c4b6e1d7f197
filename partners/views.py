from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from diz_portal import sections
from diz_portal.catalogue import csv_response
from partners.filters import PartnerFilter
from partners.forms import AcceptInvitationForm
from partners.models import Invitation, InvitationUnusable, Partner

PAGE_SIZE = 24
# Sign-in through the allauth backend, as if the person had typed their new password.
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_safe
def partner_list(request):
    published = Partner.objects.published()
    partners = PartnerFilter(request.GET, queryset=published.for_list())
    context = {"filter": partners, "sector_counts": published.sector_counts(), "page": None}
    if not partners.is_valid():
        # Say what was wrong next to the filter; show no results rather than guess.
        return render(request, "partners/partner_list.html", context, status=400)
    context["page"] = Paginator(partners.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "partners/partner_list.html", context)


@require_safe
def partner_detail(request, slug):
    queryset = Partner.objects.published().prefetch_related("districts")
    partner = get_object_or_404(queryset, slug=slug)
    return render(
        request,
        "partners/partner_detail.html",
        {"partner": partner, "sections": sections.collect("partner_detail", request, partner)},
    )


@require_safe
def export_csv(request):
    """The published directory as open data (listed in /data.json): one row per partner."""
    partners = Partner.objects.published().prefetch_related("districts").order_by("name")
    header = [
        "name",
        "slug",
        "sector",
        "sector_name",
        "districts",
        "short_description",
        "website",
        "contact_email",
        "date_joined",
        "page_url",
    ]
    rows = (
        [
            partner.name,
            partner.slug,
            partner.sector,
            partner.get_sector_display(),
            ";".join(district.slug for district in partner.districts.all()),
            partner.short_description,
            partner.website,
            partner.contact_email,
            partner.date_joined,
            f"{settings.SITE_URL}{partner.get_absolute_url()}",
        ]
        for partner in partners
    )
    return csv_response(header, rows, "diz-partners.csv")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request, token):
    invitation = Invitation.objects.for_token(token)
    if invitation is None:
        return _invitation_refused(
            request,
            "This invitation link is not valid. Check that you copied the whole link from the "
            "email, or ask the DIZ programme team for a new one.",
            status=404,
        )
    try:
        invitation.check_usable()
    except InvitationUnusable as refusal:
        return _invitation_refused(request, refusal.message, refusal.status)

    # The validators compare the password with the address, so they see an unsaved user.
    candidate = get_user_model()(email=invitation.email, username=invitation.email)
    form = AcceptInvitationForm(request.POST or None, user=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation.accept(form.cleaned_data["new_password1"])
        except InvitationUnusable as refusal:
            return _invitation_refused(request, refusal.message, refusal.status)
        login(request, user, backend=AUTH_BACKEND)
        messages.success(
            request, f"Welcome. You can now keep the records of {invitation.partner.name} current."
        )
        return redirect("dashboard:index")
    status = 400 if form.errors else 200
    context = {"invitation": invitation, "form": form}
    return render(request, "partners/invitation_accept.html", context, status=status)


def _invitation_refused(request, message, status):
    return render(request, "partners/invitation_refused.html", {"message": message}, status=status)
