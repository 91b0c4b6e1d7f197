import django_filters

from diz_portal.filters import SlugChoiceFilter, WordsFilter
from partners.models import District, Partner
from projects.models import Project, Theme


class ProjectFilter(django_filters.FilterSet):
    SORT_CHOICES = [("newest", "Newest first"), ("title", "Title (A to Z)")]

    q = WordsFilter(
        fields=["title", "summary", "body"],
        max_words=10,
        label="Search",
        max_length=200,
        help_text="Words in the title, summary or description.",
        error_messages={"max_length": "Enter a search of 200 characters or fewer"},
    )
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices,
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list"},
    )
    theme = SlugChoiceFilter(
        label="Theme",
        field_name="themes",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        empty_label="Any theme",
        error_messages={"invalid_choice": "Select a theme from the list"},
    )
    partner = SlugChoiceFilter(
        label="Partner",
        method="lead_or_participant",
        to_field_name="slug",
        queryset=Partner.objects.published().only("pk", "name", "slug"),
        empty_label="Any partner",
        help_text="Projects it leads or takes part in.",
        error_messages={"invalid_choice": "Select a partner from the list"},
    )
    district = SlugChoiceFilter(
        label="District",
        field_name="districts",
        to_field_name="slug",
        queryset=District.objects.all(),
        empty_label="Any district",
        error_messages={"invalid_choice": "Select a district from the list"},
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=SORT_CHOICES,
        empty_label=None,
        method="sort_by",
        error_messages={"invalid_choice": "Select newest first or title"},
    )

    class Meta:
        model = Project
        fields = ["q", "status", "theme", "partner", "district", "sort"]

    def lead_or_participant(self, queryset, name, value):
        return queryset.involving(value)

    def sort_by(self, queryset, name, value):
        # Ordering is applied in filter_queryset so the default applies when sort is absent.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("sort") == "title":
            return queryset.order_by("title", "pk")
        return queryset.newest_first()
