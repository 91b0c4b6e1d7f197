"""The dashboard's list of assets due for review (issue 13, item 6), for the partner's own
asset list page: one query however many are due."""

from django import template
from django.utils import timezone

from assets.models import Asset

register = template.Library()

# Assets listed on the page; beyond that the page says how many more there are.
LIMIT = 20
WINDOW_DAYS = 30


@register.simple_tag
def assets_due_for_review(partners):
    """{"assets": [...], "more": bool, "days": WINDOW_DAYS} for these partners' active assets
    whose review-by date has passed or falls within WINDOW_DAYS days, soonest first."""
    today = timezone.localdate()
    rows = list(
        Asset.objects.owned_by(partners)
        .due_for_review(today, within_days=WINDOW_DAYS)
        .order_by("review_by", "reference")
        .only("reference", "name", "review_by")[: LIMIT + 1]
    )
    for asset in rows:
        asset.overdue = asset.review_by < today
    return {"assets": rows[:LIMIT], "more": len(rows) > LIMIT, "days": WINDOW_DAYS}
