import django_filters
from django.db.models import Exists, OuterRef

from assets.models import Asset
from diz_portal import fts
from diz_portal.filters import NamedChoiceFilter, WordsFilter
from partners.models import District, Partner

YES_NO = [("yes", "Yes"), ("no", "No")]
ALIASES = {"true": "yes", "1": "yes", "false": "no", "0": "no"}
# What `q` searches; migration 0004 indexes exactly these columns.
SEARCH_FIELDS = ["reference", "name", "address", "postcode"]
# SQLite's FTS5 trigram index over them (made by migration 0004, repaired after every migrate
# through assets/publishing.py's fts_indexes hook).
TEXT_INDEX = fts.Index("assets_asset_fts", "assets_asset", tuple(SEARCH_FIELDS))


class YesNoField(django_filters.fields.ChoiceField):
    """yes/no, also accepting true/false and 1/0 as links and scripts often write them."""

    def to_python(self, value):
        value = super().to_python(value)
        return ALIASES.get(value.lower(), value) if value else value


class YesNoFilter(django_filters.ChoiceFilter):
    field_class = YesNoField


class AssetFilter(django_filters.FilterSet):
    """The register's one filter: the table, the map data and both exports use it."""

    # Every word (up to five) in one of SEARCH_FIELDS; from an index on both databases (FTS5
    # on SQLite, pg_trgm on PostgreSQL: migration 0004), so it scales to the counties'
    # street lights.
    q = WordsFilter(
        fields=SEARCH_FIELDS,
        fts=TEXT_INDEX,
        label="Search",
        max_length=100,
        help_text="Reference, name, address or postcode.",
        error_messages={"max_length": "Enter a search of 100 characters or fewer"},
    )
    asset_type = django_filters.ChoiceFilter(
        label="Asset type",
        choices=Asset.AssetType.choices,
        empty_label="Any type",
        error_messages={"invalid_choice": "Select an asset type from the list"},
    )
    district = NamedChoiceFilter(
        queryset=District.objects.all(),
        to_field_name="slug",
        empty_label="Any district",
        error_messages={"invalid_choice": "Select a district from the list"},
    )
    owner = NamedChoiceFilter(
        label="Owner",
        queryset=Partner.objects.none(),  # set per request: owners of assets the user may see
        to_field_name="slug",
        empty_label="Any owner",
        error_messages={"invalid_choice": "Select an owner from the list"},
    )
    availability = django_filters.ChoiceFilter(
        choices=Asset.Availability.choices,
        empty_label="Any availability",
        error_messages={"invalid_choice": "Select an availability from the list"},
    )
    power = YesNoFilter(
        label="Power available",
        choices=YES_NO,
        empty_label="Either",
        method="yes_no",
        field_name="power_available",
        error_messages={"invalid_choice": "Select yes, no or either for power available"},
    )
    fibre = YesNoFilter(
        label="Fibre connected",
        choices=YES_NO,
        empty_label="Either",
        method="yes_no",
        field_name="fibre_connected",
        error_messages={"invalid_choice": "Select yes, no or either for fibre connected"},
    )

    class Meta:
        model = Asset
        fields = ["q", "asset_type", "district", "owner", "availability", "power", "fibre"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        user = request.user if request is not None else None
        # Only owners of assets this visitor may see, so a partner whose assets are all
        # partners-only is not revealed to the public by the owner list.
        visible = Asset.objects.visible_to(user).filter(owner=OuterRef("pk"))
        self.filters["owner"].queryset = (
            Partner.objects.filter(Exists(visible)).only("pk", "name", "slug").order_by("name")
        )

    def yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "yes"})

    @property
    def has_filters(self):
        return any(self.form.cleaned_data.get(name) for name in self.filters)
