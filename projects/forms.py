"""Forms partner users fill in on the dashboard. Status, funding, partners and the published
flag of a project are not here on purpose: only the programme manager changes them, in the admin.

Every error message names the field and says how to put it right (GOV.UK style), so none of
Django's generic wording ("This field is required.", "Ensure this value…") reaches the page.
"""

from django import forms

from projects.models import Outcome, Project, ProjectUpdate


class ProjectTextForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["summary", "body"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        labels = {"summary": "Summary", "body": "Description"}
        help_texts = {
            "summary": "One or two sentences shown in lists and at the top of the page, "
            "600 characters or fewer.",
            "body": "The full description. Markdown: blank lines between paragraphs, "
            "## for a heading, - for a list item, [text](https://…) for a link.",
        }
        error_messages = {
            "summary": {
                "required": "Enter a summary of the project",
                "max_length": "Summary must be 600 characters or fewer",
            },
        }


class OutcomeForm(forms.ModelForm):
    order = forms.IntegerField(
        label="Order",
        required=False,
        min_value=0,
        max_value=999,
        help_text="Lower numbers are shown first.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter a number for the order, for example 1",
            "min_value": "Order must be 0 or more",
            "max_value": "Order must be 999 or less",
        },
    )

    class Meta:
        model = Outcome
        fields = ["label", "value", "order"]
        labels = {"label": "What was achieved", "value": "Figure"}
        help_texts = {
            "label": "For example, GP sites connected.",
            "value": "For example, 74.",
        }
        widgets = {"value": forms.TextInput(attrs={"class": "govuk-input--width-10"})}
        error_messages = {
            "label": {
                "required": "Enter what was achieved, for example GP sites connected",
                "max_length": "What was achieved must be 120 characters or fewer",
            },
            "value": {
                "required": "Enter the figure, for example 74",
                "max_length": "Figure must be 60 characters or fewer",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A blank extra row must count as unchanged, so it is skipped rather than refused.
            self.initial.pop("order", None)

    def clean_order(self):
        order = self.cleaned_data["order"]
        return 0 if order is None else order


class BaseOutcomeFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "missing_management_form": "We could not read the outcomes you sent. "
        "Reload the page and make your changes again",
        "too_many_forms": "Enter %(num)d outcomes or fewer",
        "too_few_forms": "Enter at least %(num)d outcomes",
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The hidden row id only fails when the outcome went away (or was tampered with).
        form.fields["id"].error_messages["invalid_choice"] = (
            "This outcome has been removed since you opened the page. Reload the page"
        )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this outcome"


OutcomeFormSet = forms.inlineformset_factory(
    Project,
    Outcome,
    form=OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=2,
    max_num=20,
    validate_max=True,
    absolute_max=40,
    can_delete=True,
    # Only a saved outcome can be removed; a blank new row is simply left empty.
    can_delete_extra=False,
)


class ProjectUpdateForm(forms.ModelForm):
    class Meta:
        model = ProjectUpdate
        fields = ["title", "date", "body", "published"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {
            "title": "Title",
            "date": "Date",
            "body": "Update",
            "published": "Show on the public timeline and feeds",
        }
        help_texts = {
            "date": "For example, 15/03/2021.",
            "body": "Markdown, as for the project description.",
        }
        error_messages = {
            "title": {
                "required": "Enter a title for the update",
                "max_length": "Title must be 200 characters or fewer",
            },
            "date": {
                "required": "Enter the date of the update",
                "invalid": "Date must be a real date, for example 15/03/2021",
            },
            "body": {"required": "Enter the text of the update"},
        }
