"""The register's sections on the home page, partner pages, the dashboard and the open data
page."""

from django.db.models import Count, Q
from django.urls import reverse

from assets.models import (
    Agreement,
    Asset,
    Enquiry,
    EnquiryNote,
    agreed_site_exists,
    can_see_restricted,
)
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
    """That partner's assets this visitor may see: a count, how many are agreed sites (in an
    agreed enquiry: only among the assets this visitor may see), the first few and a link."""
    assets = Asset.objects.visible_to(request.user).filter(owner=partner)
    # Two queries: the counts (one aggregate) and the first few rows.
    counts = assets.aggregate(total=Count("pk"), agreed=Count("pk", filter=Q(agreed_site_exists())))
    total = counts["total"]
    if not total:
        return None
    return {
        "template": "assets/includes/section_partner.html",
        "partner": partner,
        "total": total,
        "agreed": counts["agreed"],
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
    return [Asset, Enquiry, EnquiryNote, Agreement]


def open_data(request):
    """The open data page's part on the register's API for GIS and its change feeds."""
    from assets.ogcapi.views import BNG, breakable  # loads pyproj: only for this page

    ogc = request.build_absolute_uri(reverse("ogcapi:landing"))
    changes = request.build_absolute_uri(reverse("assets:changes"))
    return {
        "template": "assets/includes/open_data_api.html",
        "contents": [
            ("api", "The asset register API, for GIS"),
            ("feeds", "Change feeds and updates since a date"),
        ],
        "alternates": [
            {
                "type": "application/atom+xml",
                "title": "Changes to the asset register",
                "href": reverse("assets:changes"),
            }
        ],
        "ogc_api_url": ogc,
        "ogc_api_url_display": breakable(ogc),
        "items_url": request.build_absolute_uri(reverse("ogcapi:items")),
        "changes_example": breakable(f"{changes}?district=harlow&asset_type=lamp_column"),
        "since_example": breakable(f"{reverse('assets:export-csv')}?since=2026-01-31"),
        "bng_crs": breakable(f"crs={BNG}"),
        "bng_bbox_crs": breakable(f"bbox-crs={BNG}"),
    }
