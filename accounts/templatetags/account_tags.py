from django import template

from ..user_agents import browser_label as _browser_label

register = template.Library()


@register.filter
def browser_label(user_agent: str) -> str:
    return _browser_label(user_agent)
