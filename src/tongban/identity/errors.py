"""Error codes of the identity module."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class IdentityError(ErrorCode):
    """Why an identity or permission check refused."""

    LOGIN_REQUIRED = ("IDENTITY_LOGIN_REQUIRED", _("请先登录"))
    ROLE_REQUIRED = ("IDENTITY_ROLE_REQUIRED", _("此操作需要“{role}”角色"))
    AGENCY_OUT_OF_SCOPE = ("IDENTITY_AGENCY_OUT_OF_SCOPE", _("您的“{role}”角色不覆盖单位“{agency}”"))
