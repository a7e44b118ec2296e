"""Demo items of the civil-affairs system: marriage, allowances for the elderly and disabled, social assistance."""

from __future__ import annotations

from tongban.workbench.demo.defaults import (
    AGENT,
    CALENDAR,
    SPOT,
    WORKING,
    ItemSpec,
    agent_materials,
    business_licence,
    form,
    id_card,
    limit,
    material,
    question,
)

_MARRIAGE_BASIS = "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》第四条、第五条、第七条"

MARRIAGE = ItemSpec(
    key="marriage_hp", basic_code="020021001000", name="结婚登记", item_type="confirmation",
    legal_basis=_MARRIAGE_BASIS, agency="HPMZJ", name_en="Marriage registration",
    guide={
        "conditions": "男女双方完全自愿，男年满二十二周岁、女年满二十周岁，双方均无配偶，"
                      "且没有直系血亲和三代以内旁系血亲关系。",
        "eligible_applicants": "内地居民（涉外、涉港澳台居民及华侨的婚姻登记在市级婚姻登记机关办理）",
        "statutory_limit": limit(None, SPOT), "promised_limit": limit(None, SPOT), "in_person_trips": 1,
        "result": {"name": "结婚证", "kind": "licence", "licence_type": "marriage_certificate",
                   "delivery_methods": ["pickup"]},
        "integration_mode": 3, "is_citywide": True, "required_real_name_level": 3,
        "process_steps": [{"name": "网上预约", "description": "选择婚姻登记处和登记日期"},
                          {"name": "现场申请", "description": "双方亲自到场，签署《申请结婚登记声明书》"},
                          {"name": "审查", "description": "婚姻登记员当场审查"},
                          {"name": "颁证", "description": "符合条件的当场登记并颁发结婚证"}],
    },
    materials=[
        form("申请结婚登记声明书", description="双方在婚姻登记员面前签署"),
        id_card("男女双方"),
        material("男女双方居民户口簿", source="government", licence="household_register"),
        material("双方近期2寸半身免冠合影照片", copies=3),
    ],
    form_fields=[("partner_name", "对方姓名", "text"), ("partner_id_number", "对方公民身份号码", "text"),
                 ("appointment_date", "预约登记日期", "date")],
    optimisation=("开通网上预约，户口簿通过电子证照库核验；照片可现场拍摄。",
                  [("户籍证明", "通过人口库核验"), ("婚姻状况证明", "通过婚姻登记信息系统核验")], 2, 5),
)

DIVORCE = ItemSpec(
    key="divorce_hp", basic_code="020021002000", name="离婚登记", item_type="confirmation",
    legal_basis="《中华人民共和国民法典》第一千零七十六条、第一千零七十七条；《婚姻登记条例》第十条至第十三条",
    agency="HPMZJ",
    guide={
        "conditions": "夫妻双方自愿离婚，并已对子女抚养、财产以及债务处理等事项协商一致，签订书面离婚协议。"
                      "自婚姻登记机关收到申请之日起三十日为离婚冷静期，期间任何一方不愿离婚的可以撤回申请；"
                      "期满后三十日内双方应亲自到场申请发给离婚证，未申请的视为撤回离婚登记申请。",
        "eligible_applicants": "在内地登记结婚的夫妻双方",
        "statutory_limit": limit(None, SPOT), "promised_limit": limit(None, SPOT), "online_depth": "counter",
        "in_person_trips": 2, "integration_mode": 3, "required_real_name_level": 3,
        "result": {"name": "离婚证", "kind": "licence", "licence_type": "divorce_certificate",
                   "delivery_methods": ["pickup"]},
        "process_steps": [{"name": "申请", "description": "双方亲自到场提交离婚登记申请，"
                                                        "领取《离婚登记申请受理回执单》"},
                          {"name": "冷静期", "description": "自收到申请之日起三十日"},
                          {"name": "审查", "description": "冷静期满后三十日内双方再次到场，婚姻登记员审查"},
                          {"name": "登记", "description": "符合条件的当场登记，发给离婚证"}],
    },
    materials=[
        form("离婚登记申请书"),
        material("离婚协议书", copies=3, description="双方签名，载明子女抚养、财产及债务处理等协商一致的意见"),
        id_card("男女双方"),
        material("男女双方居民户口簿", source="government", licence="household_register"),
        material("结婚证", source="government", licence="marriage_certificate"),
        material("双方近期2寸单人半身免冠照片", copies=2),
    ],
    form_fields=[("partner_name", "对方姓名", "text"), ("marriage_date", "结婚登记日期", "date")],
    optimisation=("户口簿、结婚证通过电子证照库核验；冷静期届满提醒短信通知，避免逾期视为撤回。",
                  [("户籍证明", "通过人口库核验")], 2, 5),
)

ELDERLY_ALLOWANCE = ItemSpec(
    key="elderly_allowance_ljz", basic_code="040031001000", name="高龄老人综合津贴申领", item_type="benefit",
    legal_basis="《中华人民共和国老年人权益保障法》第三十三条；《上海市老年人权益保障条例》；"
                "《上海市老年综合津贴发放管理办法》",
    agency="PDLJZ-SQ", delegated=True,
    guide={
        "conditions": "具有本市户籍且年满65周岁的老年人，按年龄段按月享受老年综合津贴。",
        "eligible_applicants": "本市户籍65周岁及以上老年人",
        "promised_limit": limit(15, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "按月发放老年综合津贴", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    situations=[AGENT],
    materials=[
        form("上海市老年综合津贴申请表"),
        id_card(),
        material("居民户口簿", source="government", shared="household_registration", description="通过人口库核验"),
        material("社会保障卡", source="government", licence="social_security_card",
                 description="津贴发放至社保卡金融账户"),
        *agent_materials(),
    ],
    form_fields=[("bank_account_confirmed", "确认津贴发放至社保卡金融账户", "boolean")],
    optimisation=("取消户籍证明、年龄证明，通过人口库核验；全程网办，零跑动。",
                  [("户籍证明", "通过人口库核验"), ("年龄证明", "身份证件已载明出生日期")], 1, 4),
)

DISABILITY_SUBSIDIES = ItemSpec(
    key="disability_subsidies", basic_code="040032001000", name="残疾人两项补贴", item_type="benefit",
    legal_basis="《中华人民共和国残疾人保障法》第四十八条；"
                "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
    agency="HPNJDL-SQ", delegated=True, stage="awaiting_civil_affairs",
    guide={
        "conditions": "具有本市户籍、持有第二代《中华人民共和国残疾人证》的残疾人："
                      "生活补贴发放给享受最低生活保障待遇的残疾人；"
                      "护理补贴发放给残疾等级为一级、二级且需要长期照护的重度残疾人。",
        "eligible_applicants": "本市户籍持证残疾人",
        "promised_limit": limit(20, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "按月发放困难残疾人生活补贴、重度残疾人护理补贴", "kind": "payment",
                   "delivery_methods": ["electronic"]},
    },
    situations=[question("TYPE", "申请的补贴", [("LIVING", "困难残疾人生活补贴"), ("CARE", "重度残疾人护理补贴")],
                         several=True), AGENT],
    materials=[
        form("残疾人两项补贴申请审批表"),
        id_card(),
        material("中华人民共和国残疾人证", source="government", licence="disability_certificate"),
        material("最低生活保障待遇证明", source="government", shared="minimum_living_allowance",
                 when=("TYPE.LIVING",), description="通过社会救助数据共享核验"),
        material("长期照护需求评估结论", source="other_organisation", when=("TYPE.CARE",), copies=1),
        *agent_materials(),
    ],
)

MINIMUM_LIVING = ItemSpec(
    key="minimum_living", basic_code="040033001000", name="最低生活保障申请", item_type="benefit",
    legal_basis="《社会救助暂行办法》（国务院令第649号）第九条至第十一条；《上海市社会救助条例》",
    agency="PDLJZ-SQ", delegated=True,
    guide={
        "conditions": "共同生活的家庭成员月人均可支配收入低于本市最低生活保障标准，"
                      "且家庭财产状况符合本市规定的本市户籍居民家庭。",
        "eligible_applicants": "本市户籍居民家庭（以家庭为单位申请）",
        "promised_limit": limit(30, WORKING),
        "result": {"name": "最低生活保障待遇", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    situations=[question("FAMILY", "家庭成员中是否有以下情况", [("DISABLED", "有持证残疾人"),
                                                     ("EMPLOYED", "有在职人员")], several=True)],
    materials=[
        form("最低生活保障申请书"),
        id_card("共同生活家庭成员"),
        material("居民户口簿", source="government", shared="household_registration"),
        form("家庭经济状况核对授权书", copies=1, description="全体家庭成员签名"),
        material("中华人民共和国残疾人证", source="government", licence="disability_certificate",
                 when=("FAMILY.DISABLED",)),
        material("在职人员收入证明", copies=1, when=("FAMILY.EMPLOYED",), commitment=True),
    ],
)

ELDERLY_HOME_FILING = ItemSpec(
    key="elderly_home_filing", basic_code="060034001000", name="养老机构备案", item_type="filing",
    legal_basis="《中华人民共和国老年人权益保障法》第四十三条；《养老机构管理办法》（民政部令第66号）第九条",
    agency="PDMZJ",
    guide={
        "conditions": "依法办理登记的养老机构，应当在收住老年人后10个工作日以内向登记管理机关同级的民政部门备案。",
        "eligible_applicants": "在本区登记的养老机构",
        "applicant_kinds": ["enterprise"], "promised_limit": limit(None, SPOT), "online_depth": "full_online",
        "in_person_trips": 0,
        "result": {"name": "养老机构备案回执", "kind": "filing_receipt", "delivery_methods": ["electronic"]},
    },
    situations=[question("CANTEEN", "是否设有内部食堂", [("YES", "设有食堂"), ("NO", "未设食堂")])],
    materials=[
        form("养老机构备案书"),
        business_licence(description="营业执照、事业单位法人证书或民办非企业单位登记证书，通过电子证照库调取"),
        material("服务场所权属证明或租赁合同", medium="copy", copies=1),
        form("养老机构备案承诺书", commitment=True),
        material("食品经营许可证", source="government", licence="food_business_licence", when=("CANTEEN.YES",)),
    ],
)

SOCIAL_ORGANISATION = ItemSpec(
    key="social_organisation", basic_code="010035001000", name="社会服务机构（民办非企业单位）成立登记",
    item_type="licensing", legal_basis="《民办非企业单位登记管理暂行条例》（国务院令第251号）第八条至第十二条",
    agency="SHMZJ", stage="suspended",
    guide={
        "conditions": "经业务主管单位审查同意，有规范的名称和必要的组织机构、与业务活动相适应的从业人员、"
                      "合法财产和必要场所。",
        "eligible_applicants": "拟成立社会服务机构的举办者",
        "applicant_kinds": ["person", "enterprise"],
        "statutory_limit": limit(60, CALENDAR), "promised_limit": limit(20, WORKING),
        "result": {"name": "民办非企业单位（法人）登记证书", "kind": "licence",
                   "licence_type": "social_organisation_certificate", "delivery_methods": ["pickup", "courier"]},
    },
    materials=[
        form("社会服务机构成立登记申请书"),
        material("业务主管单位的批准文件", source="government"),
        material("场所使用权证明", medium="original_and_copy", copies=1),
        material("验资报告", source="other_organisation", copies=1),
        id_card("拟任负责人"),
        form("章程草案", copies=1),
    ],
)

ITEMS = [
    MARRIAGE,
    MARRIAGE.elsewhere("marriage_pd", "PDMZJ"),
    DIVORCE,
    ELDERLY_ALLOWANCE,
    ELDERLY_ALLOWANCE.elsewhere("elderly_allowance_njdl", "HPNJDL-SQ"),
    DISABILITY_SUBSIDIES,
    MINIMUM_LIVING,
    ELDERLY_HOME_FILING,
    SOCIAL_ORGANISATION,
]
