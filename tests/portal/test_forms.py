"""Every form renders GOV.UK Frontend markup and speaks plain English, without each form or
template having to ask for it (diz_portal/forms.py, templates/django/forms/, locale/en_GB)."""

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTextInputWidget


class EnquiryLikeForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=5)
    email = forms.EmailField(label="Email address")
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    kind = forms.ChoiceField(label="Asset type", choices=[("pole", "Pole")])
    agree = forms.BooleanField(label="I agree to the terms")
    order = forms.IntegerField(label="Order", min_value=0, required=False)
    height = forms.DecimalField(label="Height", max_digits=4, decimal_places=1, required=False)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    custom = forms.CharField(label="Custom", error_messages={"required": "Enter the custom thing"})


def errors_of(data):
    form = EnquiryLikeForm(data)
    assert not form.is_valid()
    return {bound.name: list(bound.errors) for bound in form if bound.errors}


def test_a_missing_answer_names_what_to_enter_or_select():
    errors = errors_of({})
    assert errors["name"] == ["Enter your name"]
    assert errors["email"] == ["Enter email address"]
    assert errors["kind"] == ["Select asset type"]
    assert errors["agree"] == ["Select “I agree to the terms” to continue"]
    # A form's own message is kept as written.
    assert errors["custom"] == ["Enter the custom thing"]


def test_django_default_messages_are_in_plain_english():
    errors = errors_of(
        {
            "name": "too long",
            "email": "nope",
            "website": "not a web address",
            "kind": "bogus",
            "order": "-1",
            "height": "12345",
        }
    )
    assert errors["name"] == ["Enter 5 characters or fewer (you entered 8)"]
    assert errors["email"] == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert errors["website"] == [
        "Enter a web address in the correct format, like https://www.example.org"
    ]
    assert errors["kind"] == ["Select one of the options in the list"]
    assert errors["order"] == ["Enter a number that is 0 or more"]
    assert errors["height"] == ["Enter a number with no more than 4 digits"]
    assert errors_of({"order": "x"})["order"] == ["Enter a whole number, like 12"]


def test_fields_render_as_govuk_form_groups_with_errors_linked():
    form = EnquiryLikeForm({"email": "nope"})
    form.is_valid()
    html = form["email"].as_field_group()
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert '<label class="govuk-label govuk-label--s" for="id_email">Email address</label>' in html
    assert '<p class="govuk-error-message" id="id_email_error">' in html
    assert 'class="govuk-input govuk-input--error"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    # A widget's own classes are kept beside the GOV.UK one.
    assert 'class="govuk-input govuk-input--width-10"' in form["postcode"].as_field_group()
    checkbox = form["agree"].as_field_group()
    assert 'class="govuk-checkboxes__input"' in checkbox
    assert 'class="govuk-label govuk-checkboxes__label"' in checkbox
    assert 'class="govuk-select govuk-select--error"' in form["kind"].as_field_group()
    assert 'class="govuk-select"' in EnquiryLikeForm()["kind"].as_field_group()


def test_admin_widgets_keep_their_own_classes():
    class AdminLike(forms.Form):
        title = forms.CharField(widget=AdminTextInputWidget)
        day = forms.DateField(widget=AdminDateWidget)

    form = AdminLike()
    assert 'class="vTextField"' in str(form["title"])
    assert "govuk-input" not in str(form["title"])
    assert "vDateField" in str(form["day"])
