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

from projects.models import Project, ProjectUpdate

FEED_SIZE = 30


def _midnight(date):
    """Updates carry a date; Atom wants a moment: the start of that day in Europe/London."""
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time()))


class LatestUpdatesFeed(Feed):
    feed_type = Atom1Feed
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
