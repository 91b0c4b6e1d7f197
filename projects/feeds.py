"""Atom feeds of project updates: one across the programme, one per project.

Links are made absolute with the request's host (django.contrib.syndication's RequestSite),
so a feed fetched from www.diz.org.uk links back to www.diz.org.uk.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from diz_portal.validators import one_line, plain_text
from projects.models import Project, ProjectUpdate

FEED_SIZE = 30
_MULTILINE = {"description", "content"}


def _clean(name, value):
    if isinstance(value, str):
        return plain_text(value) if name in _MULTILINE else one_line(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return [one_line(v) for v in value]
    return value


class CleanAtom1Feed(Atom1Feed):
    """Atom that survives rows stored before titles were validated.

    Django's XML writer raises on control characters (a 500 for the whole feed), and a line
    break in a title is never meant; so every text value is cleaned as the feed is built.
    """

    def __init__(self, title, link, description, **kwargs):
        super().__init__(
            one_line(title),
            link,
            plain_text(description),
            **{name: _clean(name, value) for name, value in kwargs.items()},
        )

    def add_item(self, title, link, description, **kwargs):
        super().add_item(
            one_line(title),
            link,
            plain_text(description),
            **{name: _clean(name, value) for name, value in kwargs.items()},
        )


def _midnight(date):
    """Updates carry a date; Atom wants a moment: the start of that day in Europe/London."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time()))


class LatestUpdatesFeed(Feed):
    feed_type = CleanAtom1Feed
    title = "Essex + Herts DIZ: project updates"
    subtitle = "The latest news from the Digital Innovation Zone's programme projects."

    def link(self):
        return reverse("projects:list")

    def feed_url(self):
        return reverse("projects:feed")

    def items(self):
        return ProjectUpdate.objects.for_feed()[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.project.title}: {item.title}"

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return _midnight(item.date)

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        # The organisation speaks in public, not the person who typed the update.
        return item.project.lead_partner.name

    def item_categories(self, item):
        return [item.project.title]


class ProjectUpdatesFeed(LatestUpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Project.objects.published(), slug=slug)

    def title(self, obj):
        return f"{obj.title}: updates from the Essex + Herts DIZ"

    def subtitle(self, obj):
        return obj.summary

    def link(self, obj):
        return obj.get_absolute_url()

    def feed_url(self, obj):
        return reverse("projects:project-feed", kwargs={"slug": obj.slug})

    def items(self, obj):
        return ProjectUpdate.objects.for_feed().filter(project=obj)[:FEED_SIZE]

    def item_title(self, item):
        return item.title
