"""The partners app's contribution to other pages (see diz_portal/sections.py)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partners.models import Invitation, Partner

STRIP = 24


def home(request):
    """The home page's partner strip and "partners by sector": two queries."""
    counts = Partner.objects.published().sector_counts()
    if not counts:
        return None
    return {
        "template": "partners/includes/home_sectors.html",
        "sector_counts": counts,
        "total": sum(count for _, _, count in counts),
        # The partner strip: logos where partners gave one, names otherwise (one query).
        "strip": list(
            Partner.objects.published().only("name", "slug", "logo").order_by("name")[:STRIP]
        ),
    }


def attention(request):
    """Invitations nobody has used yet, and ones that ran out: one query."""
    now = timezone.now()
    counts = Invitation.objects.filter(accepted_at__isnull=True).aggregate(
        pending=Count("pk", filter=Q(expires_at__gt=now)),
        expired=Count("pk", filter=Q(expires_at__lte=now)),
    )
    url = reverse("admin:partners_invitation_changelist")
    return [
        {"label": "Invitations not yet accepted", "count": counts["pending"],
         "url": f"{url}?status=pending"},
        {"label": "Invitations that expired unused", "count": counts["expired"],
         "url": f"{url}?status=expired"},
    ]  # fmt: skip


def partner_history():
    return [Partner]
