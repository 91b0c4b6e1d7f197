"""The committed front end: GOV.UK Frontend built from pinned sources, DIZ-branded, served
from our own static files, and nothing that belongs to GOV.UK alone."""

import json
import re

from django.conf import settings
from django.test import Client

ROOT = settings.BASE_DIR
PINNED = json.loads((ROOT / "package.json").read_text())["devDependencies"]


def test_every_front_end_dependency_is_pinned_to_one_version():
    assert {"govuk-frontend", "sass", "leaflet", "leaflet.markercluster"} <= PINNED.keys()
    for name, version in PINNED.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in PINNED.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_committed_stylesheet_was_built_from_the_pinned_govuk_frontend():
    css = (ROOT / "static/css/site.css").read_text()
    assert f"GOV.UK Frontend {PINNED['govuk-frontend']} with the DIZ brand" in css.splitlines()[0]
    # The DIZ brand colour drives the components (links, header, focus states use it).
    assert "#00594f" in css.lower()
    # GOV.UK's crown, logotype and Transport font are for GOV.UK only.
    assert "govuk-crest" not in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "url(" not in css.replace("url(#default#VML)", "")


def test_vendored_libraries_carry_their_licences():
    for path in [
        "static/vendor/govuk-frontend/govuk-frontend.min.js",
        "static/vendor/govuk-frontend/LICENCE.txt",
        "static/vendor/leaflet/leaflet.js",
        "static/vendor/leaflet/LICENSE.txt",
        "static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "static/vendor/leaflet.markercluster/MIT-LICENCE.txt",
    ]:
        assert (ROOT / path).stat().st_size > 0, path
    licence = (ROOT / "static/vendor/govuk-frontend/LICENCE.txt").read_text()
    assert PINNED["govuk-frontend"] in licence


def test_pages_load_only_our_own_styles_and_scripts(db):
    html = Client().get("/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:css|m?js))"', html)
    assert any(s.endswith("site.css") for s in sources)
    assert any(s.endswith("site.mjs") for s in sources)
    assert all(s.startswith(settings.STATIC_URL) for s in sources), sources
    # The generic header: the DIZ wordmark, not GOV.UK's.
    assert 'class="govuk-generic-header diz-header"' in html
    assert "govuk-header__logotype" not in html
    assert 'data-module="govuk-service-navigation"' in html
