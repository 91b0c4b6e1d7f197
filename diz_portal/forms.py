"""The portal's form renderer: our accessible field template, and fast <select> lists.

Rendering a 500-partner filter list through one template include per option costs about
100 ms a page; building the same markup in Python costs well under a millisecond.
"""

from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def render_select(widget):
    parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{escape(group_name)}">')
        for option in options:
            parts.append(
                f'<option value="{escape(option["value"])}"{flatatt(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


class PortalFormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            return render_select(context["widget"])
        return super().render(template_name, context, request=request)
