"""Error codes of the public read side that the catalogue's own enum does not cover."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class QueryError(ErrorCode):
    """Why a public catalogue query found nothing."""

    LIFE_EVENT_NOT_FOUND = ("CATALOGUE_LIFE_EVENT_NOT_FOUND", _("一件事 {code} 不存在或未发布"))
