"""Error codes of the demo loader."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class DemoError(ErrorCode):
    """Why the demo loader refused."""

    PRODUCTION_REFUSED = ("DEMO_PRODUCTION_REFUSED", _("生产模式（TONGBAN_MODE=production）下不能载入演示数据"))
