"""Brokerage (issue 13): baskets across owners, the operator's page and its thread, the stages
and their clocks, and the partner page's response figures.

Personas: the operator (no account, a signed link), owner A's members, owner B's member, an
anonymous visitor and the programme team.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from assets.models import Enquiry, EnquiryMessage, EnquiryNote, EnquiryRequest
from diz_portal.working_days import add_working_days, working_days_between
from tests import factories
from tests.assets.factories import make_asset, make_enquiry, make_request

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
FORM = {
    "name": "Sam Operator",
    "organisation": "Example Networks Ltd",
    "email": "sam@operator.example",
    "install": "Small cells",
    "message": "We would like to use these for small cells.",
}


def london(*args):
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _programme(settings):
    settings.PROGRAMME_MANAGER_EMAIL = "programme@diz.example.org"


@pytest.fixture
def assets(partner_a, partner_b, member, outsider):
    """Two assets of A, one of B, and A's partners-only and retired ones."""
    return {
        "a1": make_asset(reference="ALP-LC-0001", name="Alpha column 1", owner=partner_a),
        "a2": make_asset(reference="ALP-LC-0002", name="Alpha column 2", owner=partner_a),
        "b1": make_asset(reference="BET-RF-0001", name="Beta roof", owner=partner_b),
        "hidden": make_asset(
            reference="ALP-LC-0099", name="Secret column", owner=partner_a, visibility="partners"
        ),
        "retired": make_asset(reference="ALP-LC-0098", name="Gone column", owner=partner_a),
    }


def operator_link(body):
    """The request that the operator's link in an email opens."""
    match = re.search(r"https://www\.diz\.org\.uk/assets/enquiries/([^/\s]+)/", body)
    assert match, body
    return EnquiryRequest.from_signed(match.group(1))


def send_basket(client, references, captured, data=None):
    with captured(execute=True):
        return client.post(reverse("assets:basket"), {**(data or FORM), "asset": references})


# --- the basket and the split -------------------------------------------------------------


def test_a_basket_across_two_owners_makes_one_enquiry_each_with_only_its_own_assets(
    client, assets, partner_a, partner_b, django_capture_on_commit_callbacks
):
    refs = ["ALP-LC-0001", "BET-RF-0001", "alp-lc-0002", "ALP-LC-0001"]  # any case, repeats
    page = client.get(reverse("assets:basket"), {"asset": refs})
    assertContains(page, "Ask about 3 assets")
    assertContains(page, "These assets belong to 2 owners")
    response = send_basket(client, refs, django_capture_on_commit_callbacks)
    assertRedirects(response, reverse("assets:enquiry-sent"))
    request = EnquiryRequest.objects.get()
    a, b = request.enquiries.order_by("owner__name")
    assert (a.owner, b.owner) == (partner_a, partner_b)
    assert sorted(x.reference for x in a.assets.all()) == ["ALP-LC-0001", "ALP-LC-0002"]
    assert [x.reference for x in b.assets.all()] == ["BET-RF-0001"]
    # The split emails: each owner's members hear of their own enquiry only.
    by_recipient = {}
    for message in mail.outbox:
        for address in message.to:
            by_recipient.setdefault(address, []).append(message)
    (to_a,) = by_recipient["member@alpha.example.org"]
    (to_b,) = by_recipient["member@beta.example.org"]
    assert "ALP-LC-0001" in to_a.body and "ALP-LC-0002" in to_a.body
    assert "BET-RF-0001" not in to_a.body
    assert "BET-RF-0001" in to_b.body and "ALP-LC" not in to_b.body
    assert reverse("dashboard:assets-enquiry", args=[a.pk]) in to_a.body
    assert reverse("dashboard:assets-enquiry", args=[b.pk]) in to_b.body
    # The programme team gets both; the operator one receipt with the link to their page.
    assert len(by_recipient["programme@diz.example.org"]) == 2
    (receipt,) = by_recipient["sam@operator.example"]
    assert "3 assets" in receipt.subject
    assert "Alpha District Council" in receipt.body and "Beta Health Trust" in receipt.body
    assert operator_link(receipt.body) == request
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("who", ["anonymous", "signed_in_without_partner"])
def test_a_partners_only_asset_is_refused_like_an_unknown_one(
    client, assets, who, django_capture_on_commit_callbacks
):
    if who == "signed_in_without_partner":
        client.force_login(factories.make_user("someone@example.org"))
    hidden = client.get(reverse("assets:basket"), {"asset": ["ALP-LC-0001", "ALP-LC-0099"]})
    unknown = client.get(reverse("assets:basket"), {"asset": ["ALP-LC-0001", "ALP-LC-0097"]})
    assert hidden.status_code == unknown.status_code == 400
    assertContains(
        hidden, "We could not find this asset in the register: ALP-LC-0099", status_code=400
    )
    assertContains(
        unknown, "We could not find this asset in the register: ALP-LC-0097", status_code=400
    )
    assertNotContains(hidden, "Secret column", status_code=400)
    assertNotContains(hidden, "Partners only", status_code=400)
    # The rest of the basket is offered without it.
    assertContains(hidden, "Continue with this asset", status_code=400)
    # Posting it anyway stores nothing and sends nothing.
    captured = django_capture_on_commit_callbacks
    response = send_basket(client, ["ALP-LC-0001", "ALP-LC-0099"], captured)
    assert response.status_code == 400
    assert not EnquiryRequest.objects.exists()
    assert not mail.outbox


def test_a_member_of_another_partner_cannot_put_a_retired_asset_in_a_basket(
    client, assets, outsider, django_capture_on_commit_callbacks
):
    assets["retired"].retire()
    client.force_login(outsider)
    response = send_basket(client, ["ALP-LC-0098"], django_capture_on_commit_callbacks)
    assertContains(response, "We could not find this asset in the register", status_code=400)
    assert not EnquiryRequest.objects.exists()
    # Partners-only assets are visible to partner members (the one rule, visible_to), so a
    # member of another partner may ask about one.
    response = send_basket(client, ["ALP-LC-0099"], django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [a.reference for a in Enquiry.objects.get().assets.all()] == ["ALP-LC-0099"]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"asset": "ALP-LC-0001\x00"}, None),  # the NUL middleware answers first
        ({"asset": "ALP LC 0001; DROP TABLE"}, "1 of the asset references is not valid"),
        ({"asset": "<script>"}, "1 of the asset references is not valid"),
        ({"asset": ["NOPE-0001", "NOPE-0002"]}, "We could not find these assets"),
        ({"asset": [f"ALP-LC-{n:04d}" for n in range(51)]}, "You chose 51 assets"),
    ],
)
def test_bad_baskets_get_a_clear_400(client, assets, query, message):
    response = client.get(reverse("assets:basket"), query)
    assert response.status_code == 400
    if message:
        assertContains(response, message, status_code=400)
        assertContains(response, "There is a problem with the assets you chose", status_code=400)
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_fifty_assets_are_allowed(client, partner_a):
    refs = [make_asset(owner=partner_a).reference for _ in range(50)]
    assert client.get(reverse("assets:basket"), {"asset": refs}).status_code == 200


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "Sam\nOperator", "Enter this on one line, without line breaks."),
        ("name", "Sam\x00", None),  # refused by the NUL middleware or the form, never a 500
        ("message", "Hello\x00there", None),
        ("organisation", "A\r\nBcc: victim@example.org", "Enter this on one line"),
        ("email", "sam@operator.example\nBcc: x@example.org", "Enter an email address"),
    ],
)
def test_bad_form_input_gets_a_clear_400_and_stores_nothing(
    client, assets, field, value, message, django_capture_on_commit_callbacks
):
    response = send_basket(
        client, ["ALP-LC-0001"], django_capture_on_commit_callbacks, {**FORM, field: value}
    )
    assert response.status_code == 400
    if message:
        assertContains(response, message, status_code=400)
    assert not EnquiryRequest.objects.exists()
    assert not mail.outbox


# --- the operator's page and the thread ---------------------------------------------------


def test_the_thread_operator_owner_operator_with_emails_through_the_outbox(
    client, assets, member, outsider, django_capture_on_commit_callbacks
):
    from diz_portal.models import OutboundEmail

    request = make_request([assets["a1"], assets["b1"]])
    a, b = request.enquiries.order_by("owner__name")
    url = request.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200
    assertContains(page, "Alpha District Council")
    assertContains(page, "Beta Health Trust")
    assertContains(page, "Alpha column 1")
    assertContains(page, 'name="robots" content="noindex"', html=False)
    assert "no-cache" in page["Cache-Control"]

    # The operator writes to A.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"enquiry": a.pk, f"e{a.pk}-body": "Can we survey in May?"})
    assertRedirects(response, f"{url}#owner-{a.pk}", fetch_redirect_response=False)
    assert [m.to for m in mail.outbox] == [["member@alpha.example.org"]]
    assert "Can we survey in May?" in mail.outbox[0].body
    assert OutboundEmail.objects.filter(kind="enquiry").count() == 1
    a.refresh_from_db()
    assert a.first_response_at is None  # the operator's own message is no response

    # A's member replies from the dashboard: the operator is emailed, the clock stops.
    client.force_login(member)
    detail = reverse("dashboard:assets-enquiry", args=[a.pk])
    assertContains(client.get(detail), "Can we survey in May?")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail, {"action": "reply", "body": "Yes, any weekday."})
    assertRedirects(response, detail)
    assert mail.outbox[-1].to == ["sam@operator.example"]
    assert "Yes, any weekday." in mail.outbox[-1].body
    assert operator_link(mail.outbox[-1].body) == request
    a.refresh_from_db()
    assert a.first_response_at is not None
    # B's member sees nothing of A's thread.
    client.force_login(outsider)
    assert client.get(detail).status_code == 404
    b_page = client.get(reverse("dashboard:assets-enquiry", args=[b.pk]))
    assertNotContains(b_page, "Can we survey in May?")
    client.logout()

    # The operator answers on their page.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"enquiry": a.pk, f"e{a.pk}-body": "Thank you, 12 May then."})
    assert mail.outbox[-1].to == ["member@alpha.example.org"]
    thread = list(EnquiryMessage.objects.filter(enquiry=a).values_list("from_operator", "body"))
    assert thread == [
        (True, "Can we survey in May?"),
        (False, "Yes, any weekday."),
        (True, "Thank you, 12 May then."),
    ]
    page = client.get(url)
    assertContains(page, "Yes, any weekday.")
    assert not b.messages.exists()


def test_the_operator_page_refuses_bad_messages(client, assets):
    request = make_request([assets["a1"]])
    (enquiry,) = request.new_enquiries
    url = request.get_absolute_url()
    response = client.post(url, {"enquiry": enquiry.pk, f"e{enquiry.pk}-body": ""})
    assertContains(response, "Enter your message", status_code=400)
    response = client.post(url, {"enquiry": enquiry.pk, f"e{enquiry.pk}-body": "x" * 5001})
    assertContains(response, "Enter a message of 5,000 characters or fewer", status_code=400)
    other = make_enquiry(assets["b1"])  # another operator's enquiry
    assert client.post(url, {"enquiry": other.pk, f"e{other.pk}-body": "Hi"}).status_code == 400
    assert client.post(url, {"enquiry": "x", "body": "Hi"}).status_code == 400
    assert not EnquiryMessage.objects.exists()


def test_a_tampered_or_expired_link_is_a_404_with_a_plain_message(client, assets):
    request = make_request([assets["a1"]])
    url = request.get_absolute_url()
    signed = url.rstrip("/").rsplit("/", 1)[1]
    for bad in (signed[:-2] + "xx", "nonsense", signed.replace(":", "", 1)):
        response = client.get(reverse("assets:operator-enquiry", args=[bad]))
        assertContains(response, "This enquiry link is not valid", status_code=404)
        assertNotContains(response, "Alpha", status_code=404)
    with time_machine.travel(datetime.now(tz=LONDON) + timedelta(days=366), tick=False):
        response = client.get(url)
    assertContains(response, "This enquiry link is not valid", status_code=404)
    # A new key revokes old links.
    EnquiryRequest.objects.filter(pk=request.pk).update(key="new")
    assert client.get(url).status_code == 404


def test_the_operator_withdraws_one_owner_after_confirming(
    client, assets, django_capture_on_commit_callbacks
):
    request = make_request([assets["a1"], assets["b1"]])
    a, b = request.enquiries.order_by("owner__name")
    url = request.get_absolute_url()
    withdraw = reverse("assets:operator-withdraw", args=[url.rstrip("/").rsplit("/", 1)[1], a.pk])
    assertContains(client.get(url), f'href="{withdraw}"', html=False)
    confirm = client.get(withdraw)
    assertContains(confirm, "Withdraw your enquiry to Alpha District Council?")
    a.refresh_from_db()
    assert a.status == Enquiry.Status.RECEIVED  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw, {"body": "Found another site."})
    assertRedirects(response, url)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Enquiry.Status.WITHDRAWN and a.closed_at
    assert a.first_response_at is None  # withdrawing is not the owner's response
    assert b.status == Enquiry.Status.RECEIVED
    assert [m.to for m in mail.outbox] == [["member@alpha.example.org"]]
    assert "withdrawn" in mail.outbox[0].subject
    # Closed: no more messages to A, and a second withdrawal changes nothing.
    response = client.post(url, {"enquiry": a.pk, f"e{a.pk}-body": "Hello?"})
    assertContains(response, "This enquiry is closed (withdrawn)", status_code=400)
    client.post(withdraw)
    assert EnquiryNote.objects.filter(enquiry=a).count() == 1


def test_the_operator_page_queries_are_constant(client, assets, django_assert_num_queries):
    request = make_request([assets["a1"]])
    url = request.get_absolute_url()
    # request, its enquiries with owners, their assets, messages, stage notes
    with django_assert_num_queries(5):
        client.get(url)
    big = make_request([assets["a1"], assets["a2"], assets["b1"]])
    for enquiry in big.new_enquiries:
        for n in range(5):
            enquiry.add_message(f"Message {n}", from_operator=bool(n % 2), author=None)
        enquiry.move_to("under_review")
    with django_assert_num_queries(5):
        assert client.get(big.get_absolute_url()).status_code == 200


def test_the_dashboard_enquiry_detail_queries_are_constant(
    client, assets, member, django_assert_num_queries
):
    client.force_login(member)
    enquiry = make_enquiry(assets["a1"])
    url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
    client.get(url)
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(10):
        enquiry.add_message(f"Message {n}", from_operator=bool(n % 2), author=member)
    enquiry.assets.add(assets["a2"])
    enquiry.move_to("under_review", by=member)
    with django_assert_num_queries(7):
        client.get(url)


def test_other_partners_enquiry_ids_are_404_and_change_nothing(client, assets, outsider):
    mine = make_enquiry(assets["b1"])
    theirs = [make_enquiry(assets["a1"]), make_enquiry(assets["a2"])]
    client.force_login(outsider)
    assert client.get(reverse("dashboard:assets-enquiry", args=[mine.pk])).status_code == 200
    for enquiry in theirs:
        url = reverse("dashboard:assets-enquiry", args=[enquiry.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "reply", "body": "Hi"}).status_code == 404
        assert client.post(url, {"action": "stage", "status": "declined"}).status_code == 404
        enquiry.refresh_from_db()
        assert enquiry.status == Enquiry.Status.RECEIVED
    assert not EnquiryMessage.objects.exists()
    assert not EnquiryNote.objects.exists()


# --- stages ------------------------------------------------------------------------------


def test_transitions_are_checked_in_plain_words(assets, member):
    enquiry = make_enquiry(assets["a1"])
    with pytest.raises(ValidationError, match="Choose a stage from the list"):
        enquiry.move_to("bribed")
    with pytest.raises(ValidationError, match="cannot move to agreed"):
        enquiry.move_to("agreed")
    with pytest.raises(ValidationError, match="already received"):
        enquiry.move_to("received")
    enquiry.move_to("under_review", note="Looking", by=member)
    enquiry.move_to("terms_offered", by=member)
    with pytest.raises(ValidationError, match="Record the agreement"):
        enquiry.move_to("agreed", by=member)  # only Enquiry.agree records it (test_agreements)
    enquiry.agree(date(2026, 5, 1), 60, by=member)
    with pytest.raises(ValidationError, match=r"This enquiry is closed \(agreed\)"):
        enquiry.move_to("declined")
    with pytest.raises(ValidationError, match="closed"):
        enquiry.add_message("Hi", from_operator=True)
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.AGREED
    assert list(enquiry.notes.values_list("status", flat=True)) == [
        "under_review",
        "terms_offered",
        "agreed",
    ]


def test_a_stale_enquiry_object_cannot_move_a_closed_enquiry(assets, member):
    enquiry = make_enquiry(assets["a1"])
    stale = Enquiry.objects.get(pk=enquiry.pk)
    enquiry.move_to("declined", by=member)
    with pytest.raises(ValidationError, match="closed"):
        stale.move_to("under_review", by=member)
    assert Enquiry.objects.get(pk=enquiry.pk).status == Enquiry.Status.DECLINED


# --- the clocks --------------------------------------------------------------------------


def test_working_days_skip_weekends_and_bank_holidays():
    # Thursday 21 May 2026; Monday 25 May is the Spring bank holiday.
    start = london(2026, 5, 21, 10, 0)
    assert add_working_days(start, 1) == london(2026, 5, 22, 10, 0)
    assert add_working_days(start, 2) == london(2026, 5, 26, 10, 0)
    assert add_working_days(start, 3) == london(2026, 5, 27, 10, 0)
    assert working_days_between(start, london(2026, 5, 27, 9, 0)) == 3
    # Christmas 2026: Friday 25, Boxing Day (Saturday) observed on Monday 28.
    assert add_working_days(london(2026, 12, 24, 9, 0), 1) == london(2026, 12, 29, 9, 0)


def test_the_clocks_remind_once_and_escalate_once(
    client, assets, partner_a, member, django_capture_on_commit_callbacks
):
    from diz_portal.models import OutboundEmail

    partner_a.response_target_days = 3
    partner_a.save()
    factories.make_member(partner_a, "second@alpha.example.org")
    with time_machine.travel(london(2026, 5, 21, 10, 0), tick=False):
        enquiry = make_enquiry(assets["a1"])
        answered = make_enquiry(assets["a2"])
    # Due three working days later, over a weekend and a bank holiday.
    assert enquiry.due_at == london(2026, 5, 27, 10, 0)
    answered.add_message("Received, looking now.", from_operator=False, author=member)
    mail.outbox.clear()

    # Thursday afternoon: due in more than 2 working days.
    with time_machine.travel(london(2026, 5, 21, 15, 0), tick=False):
        clocks(django_capture_on_commit_callbacks)
    assert not mail.outbox, [(m.subject, m.to) for m in mail.outbox]

    # Friday 10:00, 2 working days before (the weekend and the bank holiday do not count).
    with time_machine.travel(london(2026, 5, 22, 10, 0), tick=False):
        clocks(django_capture_on_commit_callbacks)
    with time_machine.travel(london(2026, 5, 26, 9, 0), tick=False):
        clocks(django_capture_on_commit_callbacks)  # again: nothing more
    assert len(mail.outbox) == 1
    (reminder,) = mail.outbox
    assert sorted(reminder.to) == ["member@alpha.example.org", "second@alpha.example.org"]
    assert "Wednesday 27 May 2026" in reminder.subject
    assert reverse("dashboard:assets-enquiry", args=[enquiry.pk]) in reminder.body
    enquiry.refresh_from_db()
    assert enquiry.reminder_sent_at == london(2026, 5, 22, 10, 0)
    assert OutboundEmail.objects.filter(kind="reminder").count() == 1

    with time_machine.travel(london(2026, 5, 27, 9, 59), tick=False):  # not past due yet
        clocks(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1

    with time_machine.travel(london(2026, 5, 27, 10, 1), tick=False):  # past due
        assert list(Enquiry.objects.overdue()) == [enquiry]
        clocks(django_capture_on_commit_callbacks)
    with time_machine.travel(london(2026, 6, 3, 10, 0), tick=False):  # a week later
        clocks(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    escalation = mail.outbox[1]
    assert escalation.to == ["programme@diz.example.org"]
    assert "Alpha District Council" in escalation.subject
    assert reverse("admin:assets_enquiry_change", args=[enquiry.pk]) in escalation.body
    enquiry.refresh_from_db()
    assert enquiry.escalated_at == london(2026, 5, 27, 10, 1)
    # The answered enquiry was never reminded nor escalated.
    answered.refresh_from_db()
    assert answered.reminder_sent_at is None and answered.escalated_at is None


def test_the_clock_command_can_hand_the_job_to_the_worker(assets):
    out = _Sink()
    call_command("enquiry_clocks", "--queue", stdout=out)
    assert "Queued" in out.text


def clocks(captured):
    with captured(execute=True):
        call_command("enquiry_clocks", stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# --- the partner page --------------------------------------------------------------------


def test_the_partner_page_shows_the_target_and_the_median_first_response(
    client, assets, partner_a, partner_b, member, django_assert_num_queries
):
    assertContains(client.get(partner_a.get_absolute_url()), "No enquiries in the last 12 months")
    # Three answered enquiries: 1, 2 and 6 working days; one unanswered; one too old.
    with time_machine.travel(london(2026, 5, 4, 10, 0), tick=False):  # Monday (a holiday)
        answered = [make_enquiry(assets["a1"]) for _ in range(3)]
        make_enquiry(assets["a2"])
    for enquiry, day in zip(answered, (5, 6, 12), strict=True):
        with time_machine.travel(london(2026, 5, day, 15, 0), tick=False):
            enquiry.move_to("under_review", by=member)
    with time_machine.travel(london(2025, 1, 6, 10, 0), tick=False):
        old = make_enquiry(assets["a1"])
        old.move_to("under_review", by=member)
    with time_machine.travel(london(2026, 6, 1, 12, 0), tick=False):
        with django_assert_num_queries(1):
            stats = partner_a.first_response_stats()
        assert stats == {"received": 4, "count": 3, "median": 2}
        page = client.get(partner_a.get_absolute_url())
    assertContains(page, "Response target: a first response within 10 working days.")
    assertContains(
        page, "Median time to first response: 2 working days over the last 12 months (3 enquiries)."
    )
    # Another partner's figures are its own.
    assertContains(client.get(partner_b.get_absolute_url()), "No enquiries in the last 12 months")


def test_a_partner_sets_its_response_target_on_its_profile(client, partner_a, member):
    client.force_login(member)
    url = partner_a.get_edit_url()
    page = client.get(url)
    assertContains(page, 'name="response_target_days"', html=False)
    data = {"short_description": "Council", "response_target_days": "61"}
    response = client.post(url, data)
    assertContains(response, "Enter a response target of 60 working days or fewer", status_code=400)
    response = client.post(url, {**data, "response_target_days": ""})
    assertContains(response, "Enter your response target", status_code=400)
    client.post(url, {**data, "response_target_days": "5"})
    partner_a.refresh_from_db()
    assert partner_a.response_target_days == 5
    enquiry = make_enquiry(make_asset(owner=partner_a))
    assert enquiry.due_at == add_working_days(enquiry.created_at, 5)
