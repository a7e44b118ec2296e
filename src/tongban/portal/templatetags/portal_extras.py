"""Template helpers of the portal pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

from tongban.catalogue.models import ItemVersion
from tongban.catalogue.services.queries import describe_limit

register = template.Library()


@register.filter
def safe_href(url: str | None) -> str:
    """The URL if it is relative or http(s), else "" – guides are agency input, ``javascript:`` must not pass."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url
    if not parts.scheme and not parts.netloc and url.startswith("/"):
        return url
    return ""


@register.filter
def promised_limit(version: ItemVersion) -> str:
    """The promised limit in words ("5个工作日", "当场办结")."""
    return describe_limit(version.promised_limit_value, version.promised_limit_unit)


@register.filter
def statutory_limit(version: ItemVersion) -> str:
    """The statutory limit in words, "无" when the law sets none."""
    return describe_limit(version.statutory_limit_value, version.statutory_limit_unit)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current URL's query string with ``page`` set to ``number`` (filters and query kept)."""
    params = context["request"].GET.copy()
    params["page"] = str(number)
    return "?" + params.urlencode()
