"""Filter pieces shared by the portal's list pages."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import connections
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django_filters.constants import EMPTY_VALUES


class NamedChoiceIterator(ModelChoiceIterator):
    """The options as (value, name) pairs read straight from the database. Building a model
    instance per option (signals, __init__, from_db) is most of a list page's time when the
    select lists 500 partners."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name")


class NamedChoiceField(forms.ModelChoiceField):
    """A select of rows whose label is their `name` (partners, districts, themes, series)."""

    iterator = NamedChoiceIterator


class NamedChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NamedChoiceField


class SlugChoiceField(NamedChoiceField):
    """A select of rows by slug; a value that is not a slug is a form error, not a query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            validate_slug(value)
        except ValidationError as exc:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


MAX_WORDS = 5


def every_word(queryset, value, fields, fts=None, max_words=MAX_WORDS, ordered=True):
    """Rows in which every word of `value` appears (case-insensitively, anywhere inside) in
    at least one of `fields`: the text filter of the list pages.

    With `fts` (a diz_portal.fts.Index over the same columns) on SQLite, words of three or
    more characters are matched by the FTS5 trigram index in one lookup instead of a scan;
    on PostgreSQL the `icontains` lookups are served by trigram GIN indexes where a
    migration made them (the register). Shorter words still filter by `icontains`, as FTS5
    trigrams cannot find them: the result is the same set of rows either way. `ordered`:
    see fts.Match.
    """
    from diz_portal import fts as fts_module

    words = value.split()[:max_words]
    indexed = []
    if fts is not None and connections[queryset.db].vendor == "sqlite":
        indexed = [word for word in words if len(word) >= fts_module.MIN_TERM]
    if indexed:
        expression = fts_module.match_expression(indexed)
        queryset = queryset.filter(fts_module.Match(fts, expression, ordered=ordered))
    for word in words:
        if word in indexed:
            continue
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class WordsFilter(django_filters.CharFilter):
    """The list pages' text box: rows in which every word of the search appears in one of
    `fields` (see every_word). `max_words` caps how many words are used; `fts` (a
    diz_portal.fts.Index over exactly `fields`) lets SQLite answer from a trigram index
    instead of a scan, for lists as long as the asset register."""

    def __init__(self, *, fields, max_words=MAX_WORDS, fts=None, **kwargs):
        self.fields, self.max_words, self.fts = list(fields), max_words, fts
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return every_word(qs, value, self.fields, fts=self.fts, max_words=self.max_words)
