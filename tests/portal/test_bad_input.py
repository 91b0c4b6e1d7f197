"""Bad input at the door: single-line fields refuse line breaks and control characters, and a
NUL byte anywhere in a request is a plain 400, never a database error (issue 10, item 4)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from pytest_django.asserts import assertContains

from diz_portal.middleware import has_nul
from diz_portal.models import Page
from diz_portal.validators import one_line, plain_text, validate_single_line
from events.models import Registration
from tests import factories
from tests.events.factories import make_event

pytestmark = pytest.mark.django_db

LINE_BREAK = "Enter this on one line, without line breaks."
CONTROL = "Remove the hidden control characters (such as tabs) from this."


# --- The validator ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Harlow\nCouncil", LINE_BREAK),
        ("Harlow\r\nCouncil", LINE_BREAK),
        ("Harlow\rCouncil", LINE_BREAK),
        ("Harlow\u2028Council", LINE_BREAK),  # Unicode line separator, pasted from Word
        ("Harlow\x0bCouncil", LINE_BREAK),
        ("Harlow\x00Council", CONTROL),
        ("Harlow\tCouncil", CONTROL),
        ("Harlow\x1bCouncil", CONTROL),
        ("Harlow\x85Council", LINE_BREAK),
        ("Harlow\x9fCouncil", CONTROL),
    ],
    ids=repr,
)
def test_single_line_refuses_breaks_and_control_characters(value, message):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(value)
    assert caught.value.messages == [message]
    assert caught.value.code == "single_line"


@pytest.mark.parametrize(
    "value", ["Harlow Council", "", "Ysbyty Gwynedd – Clwyd", "Zoë O'Brien-Smith", "東京 🚀"]
)
def test_single_line_accepts_ordinary_text(value):
    validate_single_line(value)  # raises nothing


def test_output_helpers_flatten_or_clean_stored_text():
    assert one_line(" Harlow\r\n\x00Council\u2028Hall\t ") == "Harlow Council Hall"
    assert one_line(None) == ""
    assert plain_text("One\r\nTwo\rThree\x00\u2028Four\tFive") == "One\nTwo\nThree\nFour Five"


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: factories.make_partner("Alpha"), "name"),
        (lambda: make_event("Small cells"), "title"),
        (lambda: make_event("Small cells"), "venue_name"),
        (lambda: Page.objects.create(title="About", slug="about-x", body="Text"), "title"),
    ],
    ids=["partner-name", "event-title", "event-venue", "page-title"],
)
def test_models_refuse_a_line_break_in_single_line_fields(make, field):
    obj = make()
    setattr(obj, field, "Line one\nLine two")
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert caught.value.message_dict[field] == [LINE_BREAK]


def test_registration_form_explains_a_line_break_in_the_name(client):
    event = make_event()
    data = {
        "name": "Grace\r\nHopper",
        "email": "grace@example.org",
        "organisation": "Harlow\tCollege",
        "needs": "Step-free access\r\nand a hearing loop",  # several lines are fine here
        "consent": "on",
    }
    response = client.post(event.get_absolute_url(), data)
    assertContains(response, "There is a problem")
    assertContains(response, LINE_BREAK)
    assertContains(response, CONTROL)
    assert not Registration.objects.exists()


# --- NUL bytes answer 400 -------------------------------------------------------------------

ERROR_PAGE = "Sorry, we could not understand that request"


@pytest.mark.parametrize(
    "url",
    [
        "/assets/?q=%00",
        "/assets/?q=Harlow%00",
        "/assets/?%00=1",
        "/partners/%00/",
        "/partners/?q=a%00b",
        "/events/?series=%00",
        "/search/?q=%00",
        "/%00/",
    ],
)
def test_nul_in_path_or_query_is_a_plain_400(client, url):
    response = client.get(url)
    assertContains(response, ERROR_PAGE, status_code=400)
    assert response["X-Frame-Options"] == "DENY"


def test_nul_in_a_posted_form_field_is_a_400_and_saves_nothing(client):
    event = make_event()
    data = {"name": "Grace\x00Hopper", "email": "grace@example.org", "consent": "on"}
    response = client.post(event.get_absolute_url(), data)
    assertContains(response, ERROR_PAGE, status_code=400)
    assert not Registration.objects.exists()


def test_nul_in_a_multipart_form_field_is_a_400(client):
    event = make_event()
    upload = SimpleUploadedFile("notes.txt", b"Some notes")
    data = {"name": "Grace Hopper", "email": "grace\x00@example.org", "consent": "on"}
    response = client.post(event.get_absolute_url(), {**data, "file": upload})
    assertContains(response, ERROR_PAGE, status_code=400)
    assert not Registration.objects.exists()


def test_nul_bytes_inside_an_uploaded_file_are_not_refused(client):
    # Binary files (images, spreadsheets) legitimately contain NULs; importers check their own.
    event = make_event()
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    data = {"name": "Grace Hopper", "email": "grace@example.org", "consent": "on", "file": upload}
    response = client.post(event.get_absolute_url(), data)
    assert response.status_code == 302
    assert Registration.objects.get().name == "Grace Hopper"


def test_ordinary_requests_pass_untouched(client):
    assert client.get("/assets/?q=Harlow+%26+Epping").status_code == 200
    assert client.get("/partners/").status_code == 200


def test_has_nul_reads_only_form_bodies():
    factory = RequestFactory()
    json_post = factory.post("/x/", data='{"a": "\\u0000"}', content_type="application/json")
    assert not has_nul(json_post)  # a JSON body is its view's to read (request.body intact)
    assert json_post.body == b'{"a": "\\u0000"}'
    assert has_nul(factory.post("/x/", {"a": "b\x00"}))
    assert has_nul(factory.get("/x/", {"a": "b\x00"}))
    assert not has_nul(factory.get("/x/", {"a": "b"}))


SINGLE_LINE_FIELDS = {
    "partners.District": ["name"],
    "partners.Partner": ["name"],
    "projects.Theme": ["name"],
    "projects.Project": ["title", "image_alt"],
    "projects.FundingLine": ["funder", "programme"],
    "projects.Outcome": ["label", "value"],
    "projects.ProjectUpdate": ["title"],
    "events.EventSeries": ["name"],
    "events.Event": ["title", "summary", "venue_name", "postcode"],
    "events.Speaker": ["name", "role", "organisation"],
    "events.Registration": ["name", "organisation"],
    "diz_portal.Page": ["title", "summary"],
    "diz_portal.SiteContent": ["figures_note"],
}


@pytest.mark.parametrize("label", SINGLE_LINE_FIELDS)
def test_every_name_and_title_is_single_line(label):
    from django.apps import apps

    model = apps.get_model(label)
    for name in SINGLE_LINE_FIELDS[label]:
        assert validate_single_line in model._meta.get_field(name).validators, f"{label}.{name}"
