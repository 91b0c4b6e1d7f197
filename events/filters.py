import django_filters

from diz_portal.filters import NamedChoiceFilter
from events.models import Event, EventSeries
from partners.models import Partner


class EventFilter(django_filters.FilterSet):
    """The public list filters; slugs in the address, so links can be shared."""

    series = NamedChoiceFilter(
        queryset=EventSeries.objects.all(),
        to_field_name="slug",
        empty_label="All series",
        error_messages={"invalid_choice": "Select a series from the list"},
    )
    format = django_filters.ChoiceFilter(
        choices=Event.Format.choices,
        empty_label="Any format",
        error_messages={"invalid_choice": "Select a format from the list"},
    )
    partner = NamedChoiceFilter(
        field_name="hosts",
        label="Host partner",
        # Only what the option needs: a full partner row per option is most of the page's time.
        queryset=Partner.objects.published()
        .filter(events__published=True)
        .distinct()
        .only("pk", "name", "slug"),
        to_field_name="slug",
        empty_label="Any partner",
        error_messages={"invalid_choice": "Select a host partner from the list"},
    )

    class Meta:
        model = Event
        fields = ["series", "format", "partner"]
