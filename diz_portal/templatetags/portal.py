from django import template

from diz_portal import structured_data
from diz_portal.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag
def json_ld(obj):
    """schema.org JSON-LD for the page's main object, as its app publishes it."""
    return structured_data.json_ld(obj)
