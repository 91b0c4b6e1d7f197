"""Filter pieces shared by the portal's list pages."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug


class SlugChoiceField(forms.ModelChoiceField):
    """A select of rows by slug; a value that is not a slug is a form error, not a query."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            validate_slug(value)
        except ValidationError as exc:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField
