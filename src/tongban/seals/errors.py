"""Error codes of the seals module."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class SealError(ErrorCode):
    """Why a seal operation, a signature or a verification was refused."""

    ALGORITHM_UNAVAILABLE = (
        "SEAL_ALGORITHM_UNAVAILABLE",
        _("签名算法“{algorithm}”在本平台不可用：{reason}"),
    )
    NAME_REQUIRED = ("SEAL_NAME_REQUIRED", _("请填写印章名称"))
    OWNER_INVALID = ("SEAL_OWNER_INVALID", _("印章类型“{kind}”与持有者不符"))
    NOT_ACTIVE = ("SEAL_NOT_ACTIVE", _("印章“{name}”当前状态为“{status}”，不能用于签章"))
    WRONG_STATUS = ("SEAL_WRONG_STATUS", _("印章“{name}”当前状态为“{status}”，不能{action}"))
    NOT_YOUR_SEAL = ("SEAL_NOT_YOUR_SEAL", _("印章不存在或不属于您"))
    REASON_REQUIRED = ("SEAL_REASON_REQUIRED", _("请填写理由"))
    LEVEL_TOO_LOW = ("SEAL_LEVEL_TOO_LOW", _("申请电子印章须实名等级 L{required} 以上，您当前为 L{current}"))
    ENTERPRISE_NOT_HELD = ("SEAL_ENTERPRISE_NOT_HELD", _("您不是该企业的法定代表人或管理员，不能为其申请印章"))
    DUPLICATE_PENDING = ("SEAL_DUPLICATE_PENDING", _("已有一份同类印章申请在审核中"))
    PDF_UNREADABLE = ("SEAL_PDF_UNREADABLE", _("文件不是可读取的 PDF"))
    PDF_NOT_SIGNED = ("SEAL_PDF_NOT_SIGNED", _("PDF 中没有电子签章"))
    SIGNATURE_INVALID = ("SEAL_SIGNATURE_INVALID", _("签名无效：{reason}"))
    KEY_UNKNOWN = ("SEAL_KEY_UNKNOWN", _("签名密钥“{key_id}”不存在"))
