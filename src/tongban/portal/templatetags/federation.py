"""``{% federation_providers as providers %}``: the other regions' providers applicants may log in with (ID-5)."""

from __future__ import annotations

from django import template

from tongban.identity.federation.services import enabled_providers
from tongban.identity.models import ExternalProvider

register = template.Library()


@register.simple_tag
def federation_providers() -> list[ExternalProvider]:
    """The enabled providers, by name; the login page's "其他省市账号登录" list shows one link each."""
    return enabled_providers()
