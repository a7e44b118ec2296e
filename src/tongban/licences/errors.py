"""Error codes of the licences module."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class LicenceError(ErrorCode):
    """Why an issuance, a revocation, a show, a verification or a use was refused."""

    TYPE_UNKNOWN = ("LICENCE_TYPE_UNKNOWN", _("证照类型“{code}”不存在"))
    FIELDS_INVALID = ("LICENCE_FIELDS_INVALID", _("证照字段不符合“{type}”的格式要求：{detail}"))
    HOLDER_KIND_MISMATCH = ("LICENCE_HOLDER_KIND_MISMATCH", _("“{type}”的持证主体应为{kind}"))
    HOLDER_UNKNOWN = ("LICENCE_HOLDER_UNKNOWN", _("找不到持证人，请核对证件号码或统一社会信用代码"))
    NO_SEAL = ("LICENCE_NO_SEAL", _("发证单位“{agency}”没有可用的电子印章，不能签发证照"))
    AGENCY_NOT_ISSUER = ("LICENCE_AGENCY_NOT_ISSUER", _("“{agency}”不是“{type}”的发证单位"))
    NOT_FOUND = ("LICENCE_NOT_FOUND", _("证照不存在"))
    NOT_YOUR_LICENCE = ("LICENCE_NOT_YOUR_LICENCE", _("证照不存在或不属于您"))
    ALREADY_REVOKED = ("LICENCE_ALREADY_REVOKED", _("证照 {number} 已注销"))
    NOT_VALID = ("LICENCE_NOT_VALID", _("证照 {number} 当前状态为“{status}”，不能使用"))
    REASON_REQUIRED = ("LICENCE_REASON_REQUIRED", _("请填写理由"))
    IDEMPOTENCY_CONFLICT = (
        "LICENCE_IDEMPOTENCY_CONFLICT",
        _("幂等键“{key}”已用于另一张证照的签发请求"),
    )
    TOKEN_MALFORMED = ("LICENCE_TOKEN_MALFORMED", _("亮证码无法识别"))
    TOKEN_TAMPERED = ("LICENCE_TOKEN_TAMPERED", _("亮证码签名不符，可能被篡改"))
    TOKEN_EXPIRED = ("LICENCE_TOKEN_EXPIRED", _("亮证码已过期，请持证人重新出示"))
    TOKEN_USED_UP = ("LICENCE_TOKEN_USED_UP", _("亮证码已被核验 {uses} 次，不能再次使用，请持证人重新出示"))
    CONSENT_REQUIRED = ("LICENCE_CONSENT_REQUIRED", _("使用电子证照须经持证人同意"))
    NONE_HELD = ("LICENCE_NONE_HELD", _("您没有有效的“{type}”，请上传材料"))
    ISSUER_UNTRUSTED = ("LICENCE_ISSUER_UNTRUSTED", _("签发密钥“{key_id}”不在信任列表中"))
    ISSUER_EXISTS = ("LICENCE_ISSUER_EXISTS", _("签发密钥“{key_id}”已在信任列表中"))
    ISSUER_KEY_INVALID = ("LICENCE_ISSUER_KEY_INVALID", _("公钥格式不正确，应为 PEM 格式的 Ed25519 或 ECDSA P-256 公钥"))
    DOCUMENT_INVALID = ("LICENCE_DOCUMENT_INVALID", _("外省市证照文件格式不正确：{detail}"))
    SIGNATURE_INVALID = ("LICENCE_SIGNATURE_INVALID", _("证照签名校验不通过，文件可能被篡改或并非该机构签发"))
    AGENCY_CUT_OFF = ("LICENCE_AGENCY_CUT_OFF", _("本单位已中断连接，暂停签发：{reason}"))
    VERIFY_LINK_INVALID = ("LICENCE_VERIFY_LINK_INVALID", _("核验链接无效"))
