import pytest

from assets import demo
from assets.models import Asset
from partners.models import Partner

pytestmark = pytest.mark.django_db


def test_demo_loads_every_illustrative_asset_idempotently():
    from tests import factories

    factories.all_districts()
    result = demo.load()
    assert result.ok and result.created == 31
    assert Asset.objects.count() == 31
    assert all("Illustrative" in a.data_source for a in Asset.objects.all())
    restricted = Asset.objects.filter(visibility=Asset.Visibility.PARTNERS)
    assert set(restricted.values_list("reference", flat=True)) == {
        "PAH-BLD-0002",
        "NHS-BLD-EH-0005",
    }
    pah = Partner.objects.get(slug="the-princess-alexandra-hospital-nhs-trust")
    assert Asset.objects.get(reference="NHS-BLD-EH-0005").owner == pah
    parish = Asset.objects.get(reference="NPC-BS-0002")
    assert parish.owner.slug == "uttlesford-district-council"
    assert "parish council" in parish.notes
    # British National Grid worked out by pyproj agrees with the source file's figures.
    harlow = Asset.objects.get(reference="HDC-CCTV-0007")
    assert abs(harlow.easting - 544514) <= 10 and abs(harlow.northing - 209763) <= 10
    again = demo.load()
    assert again.ok and again.unchanged == 31
    assert Asset.history.count() == 31


def test_demo_names_keep_acronyms_and_do_not_repeat_themselves():
    from assets.demo import demo_name

    assert demo_name("High Road", "CCTV column") == "High Road CCTV column"
    assert demo_name("High Street car park", "Car park (surface)") == "High Street car park"
    assert demo_name("Civic Centre", "Building rooftop") == "Civic Centre building rooftop"
