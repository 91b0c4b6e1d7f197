"""The register's sections on the home page, partner pages and the dashboard."""

from django.db.models import Count, Q
from django.urls import reverse

from assets.models import Asset, Enquiry, EnquiryNote, can_see_restricted
from diz_portal.cache import versioned

PARTNER_LIST_LENGTH = 5


def home(request):
    """Register totals as this visitor may see them (anonymous: public assets only)."""
    # One aggregate over the whole register, cached until the next content change: the
    # content version (one query) plus the aggregate on a miss, and the membership check for
    # a signed-in user.
    show_restricted = can_see_restricted(request.user)
    visible = Asset.objects.visible_to(request.user)
    totals = versioned(
        f"asset-totals:{'partners' if show_restricted else 'public'}",
        lambda: visible.aggregate(
            total=Count("pk"),
            available=Count("pk", filter=Q(availability=Asset.Availability.AVAILABLE)),
            owners=Count("owner", distinct=True),
            restricted=Count("pk", filter=Q(visibility=Asset.Visibility.PARTNERS)),
        ),
    )
    return {
        "template": "assets/includes/section_home.html",
        "totals": totals,
        "show_restricted": show_restricted,
    }


def partner_detail(request, partner):
    """That partner's assets this visitor may see: a count, the first few and a link."""
    assets = Asset.objects.visible_to(request.user).filter(owner=partner)
    # Two queries: the count and the first few rows.
    total = assets.count()
    if not total:
        return None
    return {
        "template": "assets/includes/section_partner.html",
        "partner": partner,
        "total": total,
        "assets": list(assets.select_related("district")[:PARTNER_LIST_LENGTH]),
    }


def dashboard(request, partners):
    if not partners:
        return None
    # Two queries: active assets and open enquiries of the user's organisations.
    assets = Asset.objects.owned_by(partners).active().count()
    open_enquiries = Enquiry.objects.for_partners(partners).open().count()
    return {
        "template": "assets/includes/section_dashboard.html",
        "assets": assets,
        "open_enquiries": open_enquiries,
    }


def attention(request):
    """Enquiries past their response target and assets not checked for a year: two counts,
    cached until the register next changes (the second scans the register)."""
    enquiries = Enquiry.objects.overdue().count()
    stale = versioned("assets-not-verified", lambda: Asset.objects.not_verified_recently().count())
    enquiry_list = reverse("admin:assets_enquiry_changelist")
    asset_list = reverse("admin:assets_asset_changelist")
    return [
        {"label": "Enquiries with no response within the target",
         "count": enquiries, "url": f"{enquiry_list}?response=overdue"},
        {"label": "Assets not verified for 12 months",
         "count": stale, "url": f"{asset_list}?verified=stale"},
    ]  # fmt: skip


def partner_history():
    return [Asset, Enquiry, EnquiryNote]
