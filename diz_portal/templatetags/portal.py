from django import template

from diz_portal.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.simple_tag
def event_jsonld(event):
    from diz_portal.structured_data import event_data, script

    return script(event_data(event))


@register.simple_tag
def partner_jsonld(partner):
    from diz_portal.structured_data import partner_data, script

    return script(partner_data(partner))
