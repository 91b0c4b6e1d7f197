"""Forms partner users fill in on the dashboard. Status, funding, partners and the published
flag of a project are not here on purpose: only the programme manager changes them, in the admin.
"""

from django import forms

from projects.models import Outcome, Project, ProjectUpdate


class ProjectTextForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["summary", "body"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "body": "The full description. Markdown: blank lines between paragraphs, "
            "## for a heading, - for a list item, [text](https://…) for a link.",
        }


class OutcomeForm(forms.ModelForm):
    order = forms.IntegerField(
        required=False, min_value=0, max_value=999, help_text="Lower numbers are shown first."
    )

    class Meta:
        model = Outcome
        fields = ["label", "value", "order"]
        help_texts = {
            "label": "e.g. GP sites connected",
            "value": "e.g. 74",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A blank extra row must count as unchanged, so it is skipped rather than refused.
            self.initial.pop("order", None)

    def clean_order(self):
        order = self.cleaned_data["order"]
        return 0 if order is None else order


OutcomeFormSet = forms.inlineformset_factory(
    Project,
    Outcome,
    form=OutcomeForm,
    extra=2,
    max_num=20,
    validate_max=True,
    absolute_max=40,
    can_delete=True,
)


class ProjectUpdateForm(forms.ModelForm):
    class Meta:
        model = ProjectUpdate
        fields = ["title", "date", "body", "published"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"body": "Markdown, as for the project description."}
        labels = {"published": "Show on the public timeline and feeds"}
