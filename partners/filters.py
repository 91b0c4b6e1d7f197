import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import Q

from partners.models import District, Partner, Sector

SEARCH_MAX_LENGTH = 100


class DistrictSlugField(forms.ModelChoiceField):
    """A district chosen by slug; anything that is not a slug is a form error, never a query."""

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


class DistrictSlugFilter(django_filters.ModelChoiceFilter):
    field_class = DistrictSlugField


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
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
    district = DistrictSlugFilter(
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

    def search(self, queryset, name, value):
        # Every word must appear somewhere; ten words is plenty for a directory of partners.
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(short_description__icontains=word)
                | Q(description__icontains=word)
            )
        return queryset
