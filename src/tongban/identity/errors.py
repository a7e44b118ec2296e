"""Error codes of the identity module."""

from django.utils.translation import gettext_lazy as _

from tongban.core.errors import ErrorCode


class IdentityError(ErrorCode):
    """Why an identity or permission check refused."""

    LOGIN_REQUIRED = ("IDENTITY_LOGIN_REQUIRED", _("请先登录"))
    ROLE_REQUIRED = ("IDENTITY_ROLE_REQUIRED", _("此操作需要“{role}”角色"))
    AGENCY_OUT_OF_SCOPE = ("IDENTITY_AGENCY_OUT_OF_SCOPE", _("您的“{role}”角色不覆盖单位“{agency}”"))
    # --- enterprises and delegated authority (ID-4) ---
    ENTERPRISE_LEVEL_REQUIRED = (
        "IDENTITY_ENTERPRISE_LEVEL_REQUIRED",
        _("办理企业业务需要实名等级达到{level}级（姓名与证件号码已核验），{who}当前为{current}级"),
    )
    ENTERPRISE_NAME_REQUIRED = ("IDENTITY_ENTERPRISE_NAME_REQUIRED", _("请填写企业名称"))
    ENTERPRISE_UNKNOWN = ("IDENTITY_ENTERPRISE_UNKNOWN", _("法人库中没有统一社会信用代码为{uscc}的企业"))
    ENTERPRISE_NOT_ACTIVE = (
        "IDENTITY_ENTERPRISE_NOT_ACTIVE", _("企业“{name}”在法人库中的登记状态为“{status}”，不能注册企业账号")
    )
    ENTERPRISE_NAME_MISMATCH = (
        "IDENTITY_ENTERPRISE_NAME_MISMATCH", _("企业名称与法人库登记的名称“{registered}”不一致，请核对")
    )
    NOT_LEGAL_REPRESENTATIVE = (
        "IDENTITY_NOT_LEGAL_REPRESENTATIVE", _("法人库登记的法定代表人不是您本人，只有法定代表人可以注册企业账号")
    )
    ENTERPRISE_REGISTRY_UNAVAILABLE = (
        "IDENTITY_ENTERPRISE_REGISTRY_UNAVAILABLE", _("法人库暂时无法访问，请稍后再试")
    )
    ENTERPRISE_ALREADY_REGISTERED = (
        "IDENTITY_ENTERPRISE_ALREADY_REGISTERED", _("统一社会信用代码为{uscc}的企业已经注册，请联系其法定代表人")
    )
    GRANT_NOT_HOLDER = ("IDENTITY_GRANT_NOT_HOLDER", _("您不持有这项企业授权"))
    GRANT_EXPIRED = ("IDENTITY_GRANT_EXPIRED", _("这项企业授权已于{expired_at}到期"))
    GRANT_REVOKED = ("IDENTITY_GRANT_REVOKED", _("这项企业授权已被撤销"))
    GRANT_ROLE_NOT_ALLOWED = ("IDENTITY_GRANT_ROLE_NOT_ALLOWED", _("“{granter}”不能授予“{role}”角色"))
    GRANT_SCOPE_INVALID = ("IDENTITY_GRANT_SCOPE_INVALID", _("授权范围不正确：{detail}"))
    GRANT_ITEM_UNKNOWN = ("IDENTITY_GRANT_ITEM_UNKNOWN", _("没有实施编码为{code}的事项"))
    GRANT_WIDER_THAN_PARENT = (
        "IDENTITY_GRANT_WIDER_THAN_PARENT", _("授权范围超出了您自己的授权范围：{detail}")
    )
    GRANT_EXPIRY_IN_PAST = ("IDENTITY_GRANT_EXPIRY_IN_PAST", _("授权的有效期必须晚于当前时间"))
    GRANT_EXPIRY_AFTER_PARENT = (
        "IDENTITY_GRANT_EXPIRY_AFTER_PARENT", _("授权的有效期不能晚于您自己授权的有效期（{parent_expires_at}）")
    )
    GRANTEE_UNKNOWN = ("IDENTITY_GRANTEE_UNKNOWN", _("没有找到使用该手机号码或证件号码注册的用户"))
    GRANT_TO_SELF = ("IDENTITY_GRANT_TO_SELF", _("不能授权给自己"))
    GRANT_DUPLICATE = ("IDENTITY_GRANT_DUPLICATE", _("您已向此人授予了一项有效的授权，如需调整请先撤销"))
    REVOKE_NOT_ALLOWED = ("IDENTITY_REVOKE_NOT_ALLOWED", _("只有授权链上级的有效授权持有人可以撤销这项授权"))
    REVOKE_REASON_REQUIRED = ("IDENTITY_REVOKE_REASON_REQUIRED", _("请填写撤销原因"))
    GRANT_SCOPE_NOT_COVERED = ("IDENTITY_GRANT_SCOPE_NOT_COVERED", _("您的企业授权范围不包括事项“{item}”"))
    # --- end enterprises ---
    # --- cross-province login (ID-5) ---
    FEDERATION_PROVIDER_UNKNOWN = ("IDENTITY_FEDERATION_PROVIDER_UNKNOWN", _("没有找到该外省市认证源"))
    FEDERATION_PROVIDER_DISABLED = ("IDENTITY_FEDERATION_PROVIDER_DISABLED", _("外省市认证源“{provider}”已停用，暂不能使用其账号登录"))
    FEDERATION_PROVIDER_UNREACHABLE = ("IDENTITY_FEDERATION_PROVIDER_UNREACHABLE", _("暂时无法连接外省市认证源“{provider}”，请稍后再试"))
    FEDERATION_PROVIDER_METADATA_INVALID = ("IDENTITY_FEDERATION_PROVIDER_METADATA_INVALID", _("外省市认证源“{provider}”的配置信息不正确：{detail}"))
    FEDERATION_PROVIDER_REFUSED = ("IDENTITY_FEDERATION_PROVIDER_REFUSED", _("外省市认证源未完成登录：{detail}"))
    FEDERATION_STATE_INVALID = ("IDENTITY_FEDERATION_STATE_INVALID", _("登录请求已失效或被篡改，请重新发起登录"))
    FEDERATION_TOKEN_EXCHANGE_FAILED = ("IDENTITY_FEDERATION_TOKEN_EXCHANGE_FAILED", _("向外省市认证源换取令牌失败：{detail}"))
    FEDERATION_TOKEN_MISSING = ("IDENTITY_FEDERATION_TOKEN_MISSING", _("外省市认证源没有返回身份令牌（ID Token）"))
    FEDERATION_TOKEN_SIGNATURE_INVALID = ("IDENTITY_FEDERATION_TOKEN_SIGNATURE_INVALID", _("身份令牌的签名无法用认证源公布的公钥验证，已拒绝登录"))
    FEDERATION_TOKEN_ISSUER_INVALID = ("IDENTITY_FEDERATION_TOKEN_ISSUER_INVALID", _("身份令牌的签发者与认证源“{provider}”不符，已拒绝登录"))
    FEDERATION_TOKEN_AUDIENCE_INVALID = ("IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID", _("身份令牌不是签发给本平台的，已拒绝登录"))
    FEDERATION_TOKEN_EXPIRED = ("IDENTITY_FEDERATION_TOKEN_EXPIRED", _("身份令牌已过期或签发时间不正确，请重新登录"))
    FEDERATION_NONCE_INVALID = ("IDENTITY_FEDERATION_NONCE_INVALID", _("身份令牌与本次登录请求不匹配（nonce），可能是重放的令牌，已拒绝登录"))
    FEDERATION_SUBJECT_MISSING = ("IDENTITY_FEDERATION_SUBJECT_MISSING", _("身份令牌缺少用户标识（sub）"))
    FEDERATION_NO_ID_NUMBER = ("IDENTITY_FEDERATION_NO_ID_NUMBER", _("外省市认证源没有提供有效的身份证号码，无法登录本平台"))
    FEDERATION_LEVEL_TOO_LOW = ("IDENTITY_FEDERATION_LEVEL_TOO_LOW", _("外省市认证源的实名等级为{level}级，身份证号码未经核验（至少需要{required}级），无法登录本平台"))
    FEDERATION_SUBJECT_CONFLICT = ("IDENTITY_FEDERATION_SUBJECT_CONFLICT", _("该外省市账号已关联本平台的另一位用户，与本次提供的身份证号码不符，已拒绝登录，请联系平台运营人员"))
    FEDERATION_ACCOUNT_DISABLED = ("IDENTITY_FEDERATION_ACCOUNT_DISABLED", _("您在本平台的账号已停用"))
    FEDERATION_SLUG_INVALID = ("IDENTITY_FEDERATION_SLUG_INVALID", _("标识只能包含小写字母、数字和短横线"))
    FEDERATION_SLUG_TAKEN = ("IDENTITY_FEDERATION_SLUG_TAKEN", _("标识“{slug}”已被其他认证源使用"))
    FEDERATION_ISSUER_INVALID = ("IDENTITY_FEDERATION_ISSUER_INVALID", _("签发者地址必须是 https 地址（仅本机测试可用 http），且不能带查询参数"))
    FEDERATION_SCOPE_OPENID_REQUIRED = ("IDENTITY_FEDERATION_SCOPE_OPENID_REQUIRED", _("申请范围必须包含 openid"))
    FEDERATION_FIELD_REQUIRED = ("IDENTITY_FEDERATION_FIELD_REQUIRED", _("请填写“{label}”"))
    FEDERATION_CLAIM_NAME_INVALID = ("IDENTITY_FEDERATION_CLAIM_NAME_INVALID", _("“{label}”只能包含字母、数字和 _ : . / -，不超过64个字符"))
    # --- end cross-province login ---
    # --- single sign-on (ID-2) ---
    OIDC_CLIENT_NAME_REQUIRED = ("IDENTITY_OIDC_CLIENT_NAME_REQUIRED", _("请填写接入系统名称（不超过{max_length}个字）"))
    OIDC_REDIRECT_URI_REQUIRED = ("IDENTITY_OIDC_REDIRECT_URI_REQUIRED", _("请至少填写一个回调地址（redirect URI）"))
    OIDC_REDIRECT_URI_INVALID = ("IDENTITY_OIDC_REDIRECT_URI_INVALID", _("回调地址“{uri}”不正确：{reason}"))
    OIDC_CLIENT_NOT_FOUND = ("IDENTITY_OIDC_CLIENT_NOT_FOUND", _("没有客户端标识为“{client_id}”的接入系统"))
    OIDC_CLIENT_ALREADY_DISABLED = ("IDENTITY_OIDC_CLIENT_ALREADY_DISABLED", _("接入系统“{name}”已于{disabled_at}停用"))
    OIDC_DISABLE_REASON_REQUIRED = ("IDENTITY_OIDC_DISABLE_REASON_REQUIRED", _("请填写停用原因（不超过{max_length}个字）"))
    # --- end single sign-on ---
    # --- staff hardening (second factor, lockout, separated administrators) ---
    LOGIN_LOCKED = ("IDENTITY_LOGIN_LOCKED", _("登录失败次数过多，已临时锁定，请{minutes}分钟后再试"))
    SECOND_FACTOR_CODE_INVALID = ("IDENTITY_SECOND_FACTOR_CODE_INVALID", _("请输入身份验证器显示的6位数字动态码"))
    SECOND_FACTOR_CODE_WRONG = (
        "IDENTITY_SECOND_FACTOR_CODE_WRONG", _("动态码不正确或已使用过，再错{remaining}次将临时锁定")
    )
    SECOND_FACTOR_THROTTLED = ("IDENTITY_SECOND_FACTOR_THROTTLED", _("尝试过于频繁，请{seconds}秒后再试"))
    SECOND_FACTOR_LOCKED = (
        "IDENTITY_SECOND_FACTOR_LOCKED", _("动态码错误次数过多，已临时锁定，请{minutes}分钟后再试")
    )
    SECOND_FACTOR_ENROLLED = (
        "IDENTITY_SECOND_FACTOR_ENROLLED", _("您已绑定身份验证器；如需更换，请联系安全管理员重置")
    )
    SECOND_FACTOR_NOT_ENROLLED = ("IDENTITY_SECOND_FACTOR_NOT_ENROLLED", _("您尚未绑定身份验证器"))
    SECOND_FACTOR_ENROLMENT_WRONG = (
        "IDENTITY_SECOND_FACTOR_ENROLMENT_WRONG", _("动态码不正确：请确认扫描的是本页二维码、手机时间准确，再输入新的动态码")
    )
    SELF_ADMINISTRATION = ("IDENTITY_SELF_ADMINISTRATION", _("不能对自己的账号执行此操作，请由另一位管理员办理"))
    ADMIN_ROLES_SEPARATED = (
        "IDENTITY_ADMIN_ROLES_SEPARATED",
        _("系统管理员、安全管理员和审计管理员须由不同人员担任，{user}已担任“{held}”"),
    )
    ROLE_ALREADY_HELD = ("IDENTITY_ROLE_ALREADY_HELD", _("{user}已在“{agency}”担任“{role}”"))
    ROLE_NOT_HELD = ("IDENTITY_ROLE_NOT_HELD", _("{user}未在“{agency}”担任“{role}”"))
    ACCOUNT_OUT_OF_SCOPE = ("IDENTITY_ACCOUNT_OUT_OF_SCOPE", _("您的管理范围不覆盖账号{user}"))
    PLATFORM_ROLE_REQUIRED = (
        "IDENTITY_PLATFORM_ROLE_REQUIRED", _("此操作需要在全平台（最上级单位）担任“{role}”")
    )
    UNLOCK_TARGET_REQUIRED = ("IDENTITY_UNLOCK_TARGET_REQUIRED", _("请填写要解除锁定的用户名或 IP 地址"))
    ACCOUNT_ALREADY_DISABLED = ("IDENTITY_ACCOUNT_ALREADY_DISABLED", _("账号{user}已经停用"))
    ACCOUNT_NOT_DISABLED = ("IDENTITY_ACCOUNT_NOT_DISABLED", _("账号{user}没有停用"))
    REASON_REQUIRED = ("IDENTITY_REASON_REQUIRED", _("请填写原因"))
    STAFF_USERNAME_INVALID = (
        "IDENTITY_STAFF_USERNAME_INVALID", _("用户名须为3至150个字母、数字或 @ . + - _ 字符")
    )
    STAFF_USERNAME_TAKEN = ("IDENTITY_STAFF_USERNAME_TAKEN", _("用户名“{username}”已被使用"))
    STAFF_NAME_REQUIRED = ("IDENTITY_STAFF_NAME_REQUIRED", _("请填写工作人员姓名"))
    STAFF_PASSWORD_WEAK = ("IDENTITY_STAFF_PASSWORD_WEAK", _("初始密码不符合要求：{detail}"))
    # --- end staff hardening ---
    # --- persons: sign-up, one-time codes, real-name levels, personal data (ID-1, ID-3, SEC-4) ---
    PHONE_FORMAT = ("IDENTITY_PHONE_FORMAT", _("手机号码应为11位数字，以1开头"))
    PHONE_ALREADY_REGISTERED = ("IDENTITY_PHONE_ALREADY_REGISTERED", _("该手机号码已注册，请直接登录"))
    PHONE_NOT_REGISTERED = ("IDENTITY_PHONE_NOT_REGISTERED", _("该手机号码尚未注册，请先注册"))
    CODE_THROTTLED = ("IDENTITY_CODE_THROTTLED", _("获取验证码过于频繁，请{seconds}秒后再试"))
    CODE_FORMAT = ("IDENTITY_CODE_FORMAT", _("验证码应为6位数字"))
    CODE_MISSING = ("IDENTITY_CODE_MISSING", _("请先获取验证码"))
    CODE_INVALID = ("IDENTITY_CODE_INVALID", _("验证码不正确，还可以再试{remaining}次"))
    CODE_EXPIRED = ("IDENTITY_CODE_EXPIRED", _("验证码已过期，请重新获取"))
    CODE_USED = ("IDENTITY_CODE_USED", _("该验证码已经使用过，请重新获取"))
    CODE_ATTEMPTS_EXHAUSTED = ("IDENTITY_CODE_ATTEMPTS_EXHAUSTED", _("验证码输错次数过多已失效，请重新获取"))
    ACCOUNT_DISABLED = ("IDENTITY_ACCOUNT_DISABLED", _("该账号已停用，如有疑问请拨打12345"))
    NOT_A_PERSON = ("IDENTITY_NOT_A_PERSON", _("该账号不是个人账号"))
    PERSON_NOT_FOUND = ("IDENTITY_PERSON_NOT_FOUND", _("没有找到该用户"))
    PASSWORD_LOGIN_FAILED = ("IDENTITY_PASSWORD_LOGIN_FAILED", _("手机号码或密码不正确"))
    PASSWORD_WEAK = ("IDENTITY_PASSWORD_WEAK", _("密码不符合要求：{detail}"))
    PASSWORD_MISMATCH = ("IDENTITY_PASSWORD_MISMATCH", _("两次输入的密码不一致"))
    LEVEL_ALREADY_REACHED = ("IDENTITY_LEVEL_ALREADY_REACHED", _("您已达到{level}级实名认证，无需重复认证"))
    LEVEL_PREREQUISITE = ("IDENTITY_LEVEL_PREREQUISITE", _("请先完成{level}级实名认证"))
    FULL_NAME_REQUIRED = ("IDENTITY_FULL_NAME_REQUIRED", _("请填写与证件一致的姓名"))
    DOCUMENT_TYPE_INVALID = ("IDENTITY_DOCUMENT_TYPE_INVALID", _("请选择护照或外国人永久居留身份证"))
    DOCUMENT_NUMBER_FORMAT = ("IDENTITY_DOCUMENT_NUMBER_FORMAT", _("{document}号码格式不正确，请核对后重新输入"))
    NATIONALITY_INVALID = ("IDENTITY_NATIONALITY_INVALID", _("国籍应为三位字母代码（ISO 3166-1），如 USA、JPN"))
    DOCUMENT_ALREADY_REGISTERED = (
        "IDENTITY_DOCUMENT_ALREADY_REGISTERED",
        _("该证件已被另一个账号实名认证，一个证件只能认证一个账号；如非本人操作，请携带证件到政务服务窗口办理"),
    )
    REGISTRY_UNAVAILABLE = (
        "IDENTITY_REGISTRY_UNAVAILABLE", _("{registry}暂时无法访问，请稍后再试（您的信息未作任何更改）")
    )
    REGISTRY_NOT_FOUND = ("IDENTITY_REGISTRY_NOT_FOUND", _("{registry}中没有该证件的记录，请核对证件号码"))
    REGISTRY_NAME_MISMATCH = ("IDENTITY_REGISTRY_NAME_MISMATCH", _("姓名与证件号码不一致，请核对后重新输入"))
    REGISTRY_CANCELLED = ("IDENTITY_REGISTRY_CANCELLED", _("该证件已注销，无法完成实名认证"))
    REGISTRY_DETAILS_MISMATCH = ("IDENTITY_REGISTRY_DETAILS_MISMATCH", _("证件类型或国籍与登记信息不一致"))
    BANK_CARD_FORMAT = ("IDENTITY_BANK_CARD_FORMAT", _("银行卡号应为16至19位数字，请核对后重新输入"))
    BANK_CARD_MISMATCH = ("IDENTITY_BANK_CARD_MISMATCH", _("银行卡四要素核验未通过：{detail}"))
    FACE_IMAGE_INVALID = ("IDENTITY_FACE_IMAGE_INVALID", _("请上传不超过{max_kb}KB的PNG或JPEG照片"))
    FACE_MISMATCH = ("IDENTITY_FACE_MISMATCH", _("人脸比对未通过：{detail}"))
    COUNTER_DOCUMENT_MISMATCH = (
        "IDENTITY_COUNTER_DOCUMENT_MISMATCH", _("输入的证件号码与该账号实名认证的证件不一致，请核对证件原件")
    )
    COUNTER_CONFIRMATION_REQUIRED = ("IDENTITY_COUNTER_CONFIRMATION_REQUIRED", _("请确认已当面核对本人与证件原件"))
    SEARCH_QUERY_INVALID = ("IDENTITY_SEARCH_QUERY_INVALID", _("请输入完整的证件号码或11位手机号码"))
    REVEAL_NOT_ALLOWED = ("IDENTITY_REVEAL_NOT_ALLOWED", _("只有窗口人员或安全管理员可以查看完整的个人信息"))
    REVEAL_REASON_REQUIRED = ("IDENTITY_REVEAL_REASON_REQUIRED", _("查看完整信息须填写事由（至少{minimum}个字）"))
    REVEAL_FIELD_UNKNOWN = ("IDENTITY_REVEAL_FIELD_UNKNOWN", _("只能查看完整的证件号码或手机号码"))
    REVEAL_NOTHING_ON_FILE = ("IDENTITY_REVEAL_NOTHING_ON_FILE", _("该用户没有登记此项信息"))
    # --- end persons ---
