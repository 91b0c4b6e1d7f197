"""Agreements (issue 13, item 4): partners' standard agreement templates, recording the signed
agreement (Enquiry.agree), the private signed copy, public counts of agreed sites and the
admin's agreements register.

Personas: the operator (no account, a signed link), owner A's member, owner B's member (the
outsider), an anonymous visitor and the programme team (staff).
"""

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets import demo
from assets.models import Agreement, Asset, Enquiry, EnquiryNote
from diz_portal import cache as page_cache
from diz_portal.models import OutboundEmail
from partners.forms import PartnerProfileForm
from partners.models import Partner
from tests.assets.factories import enable_mfa, make_asset, make_request

pytestmark = pytest.mark.django_db

PDF = demo.illustrative_pdf("Standard small-cell access agreement", ["Clause 1: access."])
NOT_A_DOCUMENT = "The agreement must be a PDF or Word (DOCX) file"


def docx_bytes(extra=None):
    """A real minimal Word document: a zip with the parts Word itself writes first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Agreement</w:t></w:r></w:p>'
            "</w:body></w:document>",
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not a Word document")
    return buffer.getvalue()


def upload(content, name="agreement.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    """Uploads go to this test's own folders; the private one is the signed copies'."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PROGRAMME_MANAGER_EMAIL = "programme@diz.example.org"


@pytest.fixture
def staff_client(client, manager):
    enable_mfa(manager)
    client.force_login(manager)
    return client


@pytest.fixture
def assets(partner_a, partner_b, member, outsider):
    return {
        "a1": make_asset(reference="ALP-LC-0001", name="Alpha column 1", owner=partner_a),
        "a2": make_asset(reference="ALP-LC-0002", name="Alpha column 2", owner=partner_a),
        "b1": make_asset(reference="BET-RF-0001", name="Beta roof", owner=partner_b),
    }


@pytest.fixture
def offered(assets, member):
    """A basket of A's two assets and B's one; A's part has reached "terms offered"."""
    request = make_request([assets["a1"], assets["a2"], assets["b1"]])
    alpha = request.enquiries.get(owner__slug="alpha")
    alpha.move_to(Enquiry.Status.TERMS_OFFERED, note="Our standard terms.", by=member)
    mail.outbox.clear()
    return alpha


def agreement_post(**fields):
    data = {
        "action": "agreement",
        "agreement-starts_on": "2026-05-01",
        "agreement-term_months": "60",
        "agreement-reference": "ALP-SC-0001",
        "agreement-note": "Signed by both sides.",
    }
    data.update({f"agreement-{k}": v for k, v in fields.items()})
    return data


# --- the partner's template ---------------------------------------------------------------


def profile_form(partner, file):
    data = {
        "short_description": partner.short_description,
        "description": "",
        "website": "",
        "contact_email": "",
        "districts": [d.pk for d in partner.districts.all()],
        "response_target_days": "10",
    }
    return PartnerProfileForm(data, {"agreement_template": file}, instance=partner)


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (PDF, "agreement.pdf", None),
        (docx_bytes(), "agreement.docx", None),
        (png_bytes(), "agreement.pdf", NOT_A_DOCUMENT),  # a picture renamed .pdf
        (zip_bytes(), "agreement.docx", NOT_A_DOCUMENT),  # a zip, but not a Word document
        (b"Plain text pretending", "agreement.pdf", NOT_A_DOCUMENT),
        (docx_bytes({"word/vbaProject.bin": b"macro"}), "agreement.docx", "must not contain"),
    ],
)
def test_the_template_is_checked_by_its_bytes_not_its_name(partner_a, content, name, error):
    form = profile_form(partner_a, upload(content, name))
    if error is None:
        assert form.is_valid(), form.errors
        partner = form.save()
        stored = Path(partner.agreement_template.name)
        # A random name with the extension of what the bytes are.
        assert stored.parent == Path("partners/agreements")
        assert stored.suffix == (".pdf" if content.startswith(b"%PDF-") else ".docx")
        assert len(stored.stem) == 32 and "agreement" not in stored.stem
    else:
        assert not form.is_valid()
        assert error in form.errors["agreement_template"][0]
        partner_a.refresh_from_db()
        assert not partner_a.agreement_template


def test_a_template_over_10_mb_is_refused(partner_a):
    form = profile_form(partner_a, upload(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)))
    assert not form.is_valid()
    assert form.errors["agreement_template"] == ["The file must be smaller than 10 MB"]


def test_members_upload_replace_and_remove_the_template_on_their_dashboard(
    client, partner_a, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("dashboard:partners-edit", kwargs={"slug": partner_a.slug})
    form_page = client.get(url)
    assertContains(form_page, 'name="agreement_template"')
    data = {
        "short_description": "Alpha",
        "districts": [d.pk for d in partner_a.districts.all()],
        "response_target_days": "10",
    }
    refused = client.post(url, {**data, "agreement_template": upload(png_bytes())})
    assertContains(refused, NOT_A_DOCUMENT, status_code=400)
    client.post(url, {**data, "agreement_template": upload(PDF)})
    partner_a.refresh_from_db()
    first = partner_a.agreement_template.name
    assert first.endswith(".pdf") and partner_a.agreement_template.storage.exists(first)
    assert partner_a.history.first().agreement_template == first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "agreement_template": upload(docx_bytes(), "terms.docx")})
    partner_a.refresh_from_db()
    assert partner_a.agreement_template.name.endswith(".docx")
    assert not partner_a.agreement_template.storage.exists(first)  # the replaced file is gone
    second = partner_a.agreement_template.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "agreement_template-clear": "on"})
    partner_a.refresh_from_db()
    assert not partner_a.agreement_template
    assert not partner_a.agreement_template.storage.exists(second)


def test_the_template_is_shown_on_asset_and_partner_pages_and_to_the_operator(
    client, assets, partner_a, offered
):
    partner_a.agreement_template = SimpleUploadedFile("t.pdf", PDF)
    partner_a.save()
    link = partner_a.agreement_template.url
    assert link.startswith("/media/partners/agreements/")
    size = f"PDF, {round(len(PDF) / 1024)} KB"
    page = client.get(assets["a1"].get_absolute_url())
    assertContains(page, "Standard access agreement:")
    assertContains(page, f'href="{link}"')
    assertContains(page, f"({size})")
    # B has no template: its asset page says nothing about one.
    assertNotContains(client.get(assets["b1"].get_absolute_url()), "Standard access agreement")
    partner_page = client.get(partner_a.get_absolute_url())
    assertContains(partner_page, f'href="{link}"')
    operator_page = client.get(offered.request.get_absolute_url())
    assertContains(operator_page, f'href="{link}"')


def test_the_terms_offered_email_links_the_template(
    assets, partner_a, member, django_capture_on_commit_callbacks
):
    partner_a.agreement_template = SimpleUploadedFile("t.pdf", PDF)
    partner_a.save()
    enquiry = make_request([assets["a1"]]).new_enquiries[0]
    with django_capture_on_commit_callbacks(execute=True):
        enquiry.move_to(Enquiry.Status.TERMS_OFFERED, note="Terms attached.", by=member)
    (email,) = mail.outbox
    assert email.to == ["sam@operator.example"]
    assert "https://www.diz.org.uk" + partner_a.agreement_template.url in email.body
    assert "standard access agreement" in email.body


# --- Enquiry.agree ----------------------------------------------------------------------


def test_agree_records_the_agreement_and_turns_every_asset_in_use_at_once(
    offered, assets, member, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = offered.agree(
            date(2026, 5, 1),
            60,
            signed_copy=upload(PDF),
            by=member,
            reference="ALP-SC-0001",
            note="Signed.",
        )
    offered.refresh_from_db()
    assert offered.status == Enquiry.Status.AGREED and offered.closed_at is not None
    assert (agreement.starts_on, agreement.ends_on) == (date(2026, 5, 1), date(2031, 5, 1))
    assert agreement.recorded_by == member
    assert agreement.history.get().history_user == member
    for key in ("a1", "a2"):
        asset = Asset.objects.get(pk=assets[key].pk)
        assert asset.availability == Asset.Availability.IN_USE
        latest = asset.history.first()
        assert latest.history_user == member
        assert latest.history_change_reason.startswith("In use: agreement recorded")
    # B's part of the same basket is not B's agreement.
    assert Asset.objects.get(pk=assets["b1"].pk).availability == Asset.Availability.AVAILABLE
    note = EnquiryNote.objects.filter(enquiry=offered).last()
    assert (note.status, note.note, note.author) == ("agreed", "Signed.", member)
    # The signed copy is in the private folder, not under MEDIA_ROOT, and has no public URL.
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / agreement.signed_copy.name
    assert stored.read_bytes() == PDF
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    with pytest.raises(ValueError, match="no public URL"):
        agreement.signed_copy.url  # noqa: B018
    # The operator hears of it, with the link to their page.
    (email,) = mail.outbox
    assert email.subject == "Your agreement with Alpha District Council is recorded"
    assert "1 May 2031" in email.body and "ALP-SC-0001" in email.body
    assert offered.request.operator_url().split("/assets/enquiries/")[0] in email.body
    assert "/assets/enquiries/" in email.body and "download the signed copy" in email.body


def test_agree_changes_nothing_when_any_step_fails(offered, assets, member, settings, monkeypatch):
    saved = []
    original = Asset.save

    def failing_save(self, *args, **kwargs):
        saved.append(self.pk)
        if len(saved) == 2:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Asset, "save", failing_save)
    emails = OutboundEmail.objects.count()
    with pytest.raises(RuntimeError):
        offered.agree(date(2026, 5, 1), 60, signed_copy=upload(PDF), by=member)
    monkeypatch.undo()
    offered.refresh_from_db()
    assert offered.status == Enquiry.Status.TERMS_OFFERED
    assert not Agreement.objects.exists()
    assert not Agreement.history.exists()
    assert set(Asset.objects.values_list("availability", flat=True)) == {"available"}
    assert OutboundEmail.objects.count() == emails  # the operator's email went too
    # The uploaded copy went with the rollback.
    assert not [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize("status", ["received", "under_review", "declined", "withdrawn"])
def test_agree_is_refused_unless_terms_are_offered(assets, member, status):
    enquiry = make_request([assets["a1"]]).new_enquiries[0]
    if status != "received":
        enquiry.move_to(status, by=member if status != "withdrawn" else None)
    with pytest.raises(ValidationError, match="only be recorded once terms have been offered"):
        enquiry.agree(date(2026, 5, 1), 60, by=member)
    assert not Agreement.objects.exists()
    assert Asset.objects.get(pk=assets["a1"].pk).availability == Asset.Availability.AVAILABLE


def test_an_enquiry_is_agreed_only_with_its_agreement(offered, member):
    with pytest.raises(ValidationError, match="Record the agreement"):
        offered.move_to(Enquiry.Status.AGREED, by=member)
    assert ("agreed", "Agreed") not in offered.owner_moves()
    with pytest.raises(ValidationError):
        offered.agree(date(2026, 5, 1), 0, by=member)  # no term
    with pytest.raises(ValidationError) as refused:
        offered.agree(date(2026, 5, 1), 12, signed_copy=upload(png_bytes()), by=member)
    assert refused.value.message_dict["signed_copy"] == [NOT_A_DOCUMENT]
    offered.refresh_from_db()
    assert offered.status == Enquiry.Status.TERMS_OFFERED
    assert not Agreement.objects.exists()


# --- the owner's dashboard ------------------------------------------------------------------


def test_the_owner_records_the_agreement_from_the_enquiry_page(
    client, offered, assets, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    url = reverse("dashboard:assets-enquiry", args=[offered.pk])
    page = client.get(url)
    assertContains(page, "Record the agreement")
    assertContains(page, 'enctype="multipart/form-data"')
    assertNotContains(page, 'value="agreed"')  # not a plain stage
    missing = client.post(url, agreement_post(starts_on="", term_months="0"))
    assertContains(missing, "Enter the date the agreement starts", status_code=400)
    assertContains(missing, "Enter a term of at least 1 month", status_code=400)
    picture = client.post(url, agreement_post(signed_copy=upload(png_bytes())))
    assertContains(picture, NOT_A_DOCUMENT, status_code=400)
    assert not Agreement.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, agreement_post(signed_copy=upload(docx_bytes(), "s.docx")))
    assertRedirects(response, url)
    agreement = Agreement.objects.get()
    assert agreement.signed_copy.name.endswith(".docx")
    assert set(offered.assets.values_list("availability", flat=True)) == {"in_use"}
    page = client.get(url)
    assertContains(page, "1 May 2031")
    assertContains(page, reverse("dashboard:assets-agreement-copy", args=[offered.pk]))
    assertNotContains(page, 'name="action" value="agreement"')
    assert [m.to for m in mail.outbox] == [["sam@operator.example"]]


def test_the_signed_copy_can_be_added_later(client, offered, member):
    offered.agree(date(2026, 5, 1), 24, by=member)
    client.force_login(member)
    url = reverse("dashboard:assets-enquiry", args=[offered.pk])
    assertContains(client.get(url), "Not uploaded yet")
    refused = client.post(url, {"action": "signed_copy", "copy-signed_copy": upload(zip_bytes())})
    assertContains(refused, NOT_A_DOCUMENT, status_code=400)
    assertNotContains(refused, "Download the signed copy", status_code=400)
    client.post(url, {"action": "signed_copy", "copy-signed_copy": upload(PDF)})
    agreement = Agreement.objects.get()
    assert agreement.signed_copy.name.endswith(".pdf")
    assert agreement.history.count() == 2


def test_another_organisation_cannot_record_or_see_an_agreement(client, offered, outsider):
    client.force_login(outsider)
    url = reverse("dashboard:assets-enquiry", args=[offered.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, agreement_post(signed_copy=upload(PDF)))
    assert response.status_code == 404
    offered.refresh_from_db()
    assert offered.status == Enquiry.Status.TERMS_OFFERED
    assert not Agreement.objects.exists()
    assert set(offered.assets.values_list("availability", flat=True)) == {"available"}


# --- the private signed copy --------------------------------------------------------------


@pytest.fixture
def signed(offered, member):
    return offered.agree(date(2026, 5, 1), 60, signed_copy=upload(PDF), by=member)


def body(response):
    return b"".join(response.streaming_content)


def test_the_signed_copy_reaches_the_two_parties_and_the_programme_team_only(
    client, signed, offered, member, outsider, manager, assets
):
    dashboard_url = reverse("dashboard:assets-agreement-copy", args=[offered.pk])
    operator_url = reverse(
        "assets:operator-agreement-copy",
        kwargs={"signed": offered.request.signed, "pk": offered.pk},
    )
    admin_url = reverse("admin:assets_agreement_signed_copy", args=[signed.pk])
    # Anonymous: no file from the dashboard or the admin (sign in first).
    for url in (dashboard_url, admin_url):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    # The operator, by their own link.
    response = client.get(operator_url)
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    # A tampered link, and another operator's genuine link.
    assert client.get(operator_url.replace("/agreement/", "x/agreement/")).status_code == 404
    other = make_request([assets["b1"]], email="someone@else.example")
    stranger = reverse(
        "assets:operator-agreement-copy", kwargs={"signed": other.signed, "pk": offered.pk}
    )
    assert client.get(stranger).status_code == 404
    # The owner's member.
    client.force_login(member)
    assert body(client.get(dashboard_url)) == PDF
    # Another organisation's member.
    client.force_login(outsider)
    assert client.get(dashboard_url).status_code == 404
    # The programme team.
    enable_mfa(manager)
    client.force_login(manager)
    assert body(client.get(admin_url)) == PDF


def test_no_signed_copy_is_a_404_not_an_error(client, offered, member):
    offered.agree(date(2026, 5, 1), 60, by=member)
    client.force_login(member)
    url = reverse("dashboard:assets-agreement-copy", args=[offered.pk])
    assert client.get(url).status_code == 404


def test_the_operator_page_shows_the_agreement_and_its_download(client, signed, offered):
    page = client.get(offered.request.get_absolute_url())
    assertContains(page, "From 1 May 2026 for 60 months, to 1 May 2031")
    assertContains(
        page,
        reverse(
            "assets:operator-agreement-copy",
            kwargs={"signed": offered.request.signed, "pk": offered.pk},
        ),
    )


# --- public counts ------------------------------------------------------------------------


def test_agreed_site_counts_never_include_partners_only_assets_for_the_public(
    client, partner_a, member
):
    public = make_asset(reference="ALP-LC-0001", owner=partner_a)
    hidden = make_asset(reference="ALP-LC-0099", owner=partner_a, visibility="partners")
    make_asset(reference="ALP-LC-0002", owner=partner_a)
    enquiry = make_request([public, hidden]).new_enquiries[0]
    enquiry.move_to(Enquiry.Status.TERMS_OFFERED, by=member)
    enquiry.agree(date(2026, 5, 1), 60, by=member)
    page = client.get(partner_a.get_absolute_url())
    assertContains(page, "Agreed sites: 1 of 2 assets has a signed access agreement")
    quality = client.get(reverse("assets:quality"))
    assertContains(quality, 'data-label="Agreed sites">1</td>', count=2)  # Alpha and all
    client.force_login(member)
    page = client.get(partner_a.get_absolute_url())
    assertContains(page, "Agreed sites: 2 of 3 assets have a signed access agreement")


# --- constant queries -------------------------------------------------------------------


def queries(client, url):
    # Count the work, not a cached aggregate nor this process's memo of the content version.
    caches["pages"].clear()
    page_cache._seen = page_cache._NEVER
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def agreed_enquiries(partner, member, count):
    for _ in range(count):
        asset = make_asset(owner=partner)
        enquiry = make_request([asset]).new_enquiries[0]
        enquiry.move_to(Enquiry.Status.TERMS_OFFERED, by=member)
        enquiry.agree(date(2026, 5, 1), 60, by=member)


def test_public_pages_with_counts_cost_the_same_at_any_size(client, partner_a, member):
    partner_a.agreement_template = SimpleUploadedFile("t.pdf", PDF)
    partner_a.save()
    agreed_enquiries(partner_a, member, 1)
    asset_url = Asset.objects.first().get_absolute_url()
    urls = [partner_a.get_absolute_url(), reverse("assets:quality"), asset_url]
    before = [queries(client, url) for url in urls]
    agreed_enquiries(partner_a, member, 6)
    assert [queries(client, url) for url in urls] == before


def test_the_owner_and_operator_pages_cost_the_same_at_any_size(client, partner_a, member, offered):
    client.force_login(member)
    dashboard = reverse("dashboard:assets-enquiry", args=[offered.pk])
    operator = offered.request.get_absolute_url()
    before = (queries(client, dashboard), queries(client, operator))
    for n in range(5):
        asset = make_asset(owner=partner_a, reference=f"ALP-XX-{n:04d}")
        offered.asset_links.create(asset=asset)
    offered.agree(date(2026, 5, 1), 60, signed_copy=upload(PDF), by=member)
    # The agreement's details come with the enquiry (select_related): no query more.
    assert (queries(client, dashboard), queries(client, operator)) == before


# --- the admin ------------------------------------------------------------------------------


def test_the_agreements_register_lists_and_filters(
    staff_client, partner_a, partner_b, member, outsider
):
    ending = make_asset(owner=partner_a, reference="ALP-LC-0001")
    lasting = make_asset(owner=partner_b, reference="BET-LC-0001")
    soon = make_request([ending]).new_enquiries[0]
    soon.move_to(Enquiry.Status.TERMS_OFFERED, by=member)
    start = timezone.localdate() - timedelta(days=360)
    soon.agree(start, 12, by=member, reference="SOON-1")
    later = make_request([lasting], organisation="Long Term Networks").new_enquiries[0]
    later.move_to(Enquiry.Status.TERMS_OFFERED, by=outsider)
    later.agree(timezone.localdate(), 120, by=outsider, reference="LATER-1")
    url = reverse("admin:assets_agreement_changelist")
    page = staff_client.get(url)
    assert page.status_code == 200
    assertContains(page, "Alpha District Council")
    assertContains(page, "Long Term Networks")
    ending_soon = staff_client.get(url + "?ending=90")
    assertContains(ending_soon, "Alpha District Council")
    assertNotContains(ending_soon, "Long Term Networks")
    by_owner = staff_client.get(url + f"?enquiry__owner__id__exact={partner_b.pk}")
    assertContains(by_owner, "Long Term Networks")
    assertNotContains(by_owner, "Example Networks Ltd")
    change = staff_client.get(reverse("admin:assets_agreement_change", args=[soon.agreement.pk]))
    assert change.status_code == 200
    assertContains(change, "Enquiry")


def test_the_admin_records_an_agreement_through_agree(
    staff_client, offered, settings, django_capture_on_commit_callbacks
):
    change = reverse("admin:assets_enquiry_change", args=[offered.pk])
    page = staff_client.get(change)
    record = reverse("admin:assets_enquiry_agreement", args=[offered.pk])
    assertContains(page, record)
    assertNotContains(page, '<option value="agreed">', html=False)
    form = staff_client.get(record)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            record,
            {"starts_on": "2026-06-01", "term_months": "36", "signed_copy": upload(PDF)},
        )
    assertRedirects(response, change, fetch_redirect_response=False)
    agreement = Agreement.objects.get()
    assert agreement.ends_on == date(2029, 6, 1)
    assert set(offered.assets.values_list("availability", flat=True)) == {"in_use"}
    assert len(mail.outbox) == 1
    # The change page links the checked download, never a storage URL.
    page = staff_client.get(reverse("admin:assets_agreement_change", args=[agreement.pk]))
    assertContains(page, reverse("admin:assets_agreement_signed_copy", args=[agreement.pk]))
    assertNotContains(page, "/media/agreements/")
    # Recording again is refused: the enquiry is agreed.
    again = staff_client.post(record, {"starts_on": "2026-06-01", "term_months": "36"})
    assert again.status_code == 302
    assert Agreement.objects.count() == 1


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_has_an_agreement_and_a_template_and_loads_twice():
    from tests import factories

    factories.all_districts()
    demo.load()
    demo.load()
    agreement = Agreement.objects.select_related("enquiry__owner").get()
    owner = agreement.enquiry.owner
    assert owner.slug == demo.BROKERAGE_OWNER
    assert owner.agreement_template.name.endswith(".pdf")
    assert owner.agreement_template.open("rb").read().startswith(b"%PDF-")
    assert Enquiry.objects.filter(status=Enquiry.Status.TERMS_OFFERED).count() == 1
    assert Partner.objects.exclude(agreement_template="").count() == 1
    assert set(agreement.enquiry.assets.values_list("availability", flat=True)) == {"in_use"}
