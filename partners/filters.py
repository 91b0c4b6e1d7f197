import django_filters

from diz_portal.filters import SlugChoiceFilter, WordsFilter
from partners.models import District, Partner, Sector

SEARCH_MAX_LENGTH = 100


class PartnerFilter(django_filters.FilterSet):
    # Ten words is plenty for a directory of partners.
    q = WordsFilter(
        fields=["name", "short_description", "description"],
        max_words=10,
        label="Search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Words in a partner's name or description.",
        error_messages={
            "max_length": f"Search for at most {SEARCH_MAX_LENGTH} characters "
            "(you typed %(show_value)d)."
        },
    )
    sector = django_filters.ChoiceFilter(
        choices=Sector.choices,
        empty_label="Any sector",
        error_messages={"invalid_choice": "Choose a sector from the list."},
    )
    district = SlugChoiceFilter(
        label="District",
        field_name="districts",
        to_field_name="slug",
        queryset=District.objects.all(),
        empty_label="Any district",
        error_messages={"invalid_choice": "Choose a district from the list."},
    )

    class Meta:
        model = Partner
        fields = ["q", "sector", "district"]
