"""The partners app's contribution to other pages (see diz_portal/sections.py)."""

from partners.models import Partner


def home(request):
    """The home page's "partners by sector": one query, a count per sector."""
    counts = Partner.objects.published().sector_counts()
    if not counts:
        return None
    return {
        "template": "partners/includes/home_sectors.html",
        "sector_counts": counts,
        "total": sum(count for _, _, count in counts),
    }
