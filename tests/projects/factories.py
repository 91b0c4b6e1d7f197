"""Factory functions for projects tests. Themes are fetched or created, never assumed: browser
tests flush the database, so rows from the data migration may be gone."""

import itertools
from decimal import Decimal

from projects.models import DEFAULT_THEMES, FundingLine, Outcome, Project, ProjectUpdate, Theme
from tests import factories

_seq = itertools.count(1)
THEME_NAMES = dict(DEFAULT_THEMES)


def theme(slug="health"):
    obj, _ = Theme.objects.get_or_create(slug=slug, defaults={"name": THEME_NAMES[slug]})
    return obj


def make_project(
    title=None,
    *,
    lead=None,
    themes=(),
    partners=(),
    districts=(),
    **fields,
):
    n = next(_seq)
    title = title or f"Project {n}"
    fields.setdefault("slug", f"project-{n}")
    fields.setdefault("status", Project.Status.ACTIVE)
    fields.setdefault("summary", f"What {title} is for.")
    lead = lead or factories.make_partner()
    project = Project.objects.create(title=title, lead_partner=lead, **fields)
    project.themes.set([theme(slug) for slug in themes])
    project.partners.set(partners)
    project.districts.set([factories.district(slug) for slug in districts])
    return project


def add_funding(project, amount, status=FundingLine.Status.AWARDED, funder="DCMS", **fields):
    return FundingLine.objects.create(
        project=project, funder=funder, amount=Decimal(amount), status=status, **fields
    )


def add_outcome(project, label="GP sites connected", value="74", order=0):
    return Outcome.objects.create(project=project, label=label, value=value, order=order)


def make_update(project, title=None, **fields):
    n = next(_seq)
    fields.setdefault("body", f"Progress report {n}.")
    return ProjectUpdate.objects.create(project=project, title=title or f"Update {n}", **fields)
