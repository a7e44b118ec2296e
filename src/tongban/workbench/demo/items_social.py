"""Demo items of human resources and social security, the housing provident fund and healthcare security."""

from __future__ import annotations

from tongban.workbench.demo.defaults import (
    AGENT,
    CALENDAR,
    SPOT,
    WORKING,
    ItemSpec,
    agent_materials,
    business_licence,
    fee,
    form,
    id_card,
    limit,
    material,
    question,
)

_SOCIAL_SECURITY_CARD = material("社会保障卡", source="government", licence="social_security_card",
                                 description="待遇发放至本人社会保障卡金融账户")
_FUND_BASIS = "《住房公积金管理条例》第二十四条；《上海市住房公积金提取管理办法》"

SOCIAL_SECURITY_CARD = ItemSpec(
    key="social_security_card", basic_code="080051001000", name="社会保障卡申领", item_type="public_service",
    service_field="social_insurance", legal_basis="《中华人民共和国社会保险法》第五十八条", agency="SHRSJ",
    stage="changed",
    name_en="Social security card application",
    guide={
        "conditions": "参加本市社会保险的人员，以及在本市居住、符合条件的其他人员可以申领社会保障卡。",
        "eligible_applicants": "本市参保人员及符合条件的常住人员",
        "promised_limit": limit(15, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True, "integration_mode": 3,
        "fees": [fee("社会保障卡补换卡工本费", 2000, rule="首次申领和到期换卡免费；遗失、损坏补换的收取工本费",
                     basis="《上海市发展和改革委员会关于本市社会保障卡补换卡收费标准的复函》")],
        "result": {"name": "社会保障卡", "kind": "licence", "licence_type": "social_security_card",
                   "delivery_methods": ["courier", "pickup"]},
    },
    situations=[question("KIND", "申领类型", [("FIRST", "首次申领"), ("REISSUE", "遗失或损坏补换卡")]), AGENT],
    materials=[form("社会保障卡申领表"), id_card(), material("近期免冠证件照片（电子）", medium="electronic"),
               *agent_materials()],
    change={"promised_limit": limit(7, WORKING),
            "optimisation_record": {"summary": "制卡流程与银行并行，承诺时限由15个工作日压缩至7个工作日。",
                                    "removed_materials": [{"name": "照片回执", "reason": "复用公安人像数据"}],
                                    "trips_before": 1, "steps_before": 5}},
)

UNEMPLOYMENT_BENEFIT = ItemSpec(
    key="unemployment_benefit", basic_code="040052001000", name="失业保险金申领", item_type="benefit",
    legal_basis="《中华人民共和国社会保险法》第四十五条至第五十条；《失业保险条例》第十四条", agency="SHRSJ",
    stage="withdrawn",
    guide={
        "conditions": "失业前用人单位和本人已经缴纳失业保险费满一年，非因本人意愿中断就业，"
                      "已进行失业登记并有求职要求。",
        "eligible_applicants": "本市参加失业保险的失业人员",
        "statutory_limit": limit(10, CALENDAR), "promised_limit": limit(5, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "is_citywide": True,
        "result": {"name": "按月发放失业保险金", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    materials=[form("失业保险金申领表"), id_card(),
               material("解除或终止劳动关系证明", source="other_organisation", shared="labour_contract_termination",
                        description="通过用工备案数据核验"),
               _SOCIAL_SECURITY_CARD],
    change={"promised_limit": limit(3, WORKING)},
)

POINTS = ItemSpec(
    key="residence_points", basic_code="070053001000", name="居住证积分申请", item_type="other_power",
    legal_basis="《上海市居住证积分管理办法》", agency="SHRSJ",
    guide={
        "conditions": "持有效《上海市居住证》，在本市合法稳定就业并参加本市职工社会保险满6个月的人员，"
                      "由用人单位代为申请积分。",
        "eligible_applicants": "持证人所在用人单位",
        "applicant_kinds": ["enterprise"], "promised_limit": limit(25, WORKING), "integration_mode": 3,
        "result": {"name": "居住证积分通知书", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    materials=[
        form("上海市居住证积分申请表"),
        material("上海市居住证", source="government", licence="residence_permit"),
        material("学历学位证书", source="government", shared="education_degree", description="通过学信网数据核验"),
        material("职业资格或专业技术职务证书", source="government", licence="professional_qualification",
                 required=False),
        material("劳动合同", medium="original_and_copy", copies=1),
    ],
)

HUKOU_TRANSFER = ItemSpec(
    key="hukou_transfer", basic_code="070054001000", name="居住证转办常住户口", item_type="other_power",
    legal_basis="《持有〈上海市居住证〉人员申办本市常住户口办法》", agency="SHRSJ", stage="returned_for_retest",
    guide={
        "conditions": "持有《上海市居住证》满7年，持证期间按规定参加本市城镇社会保险满7年，在本市依法缴纳所得税，"
                      "被聘任为中级及以上专业技术职务或具有技师以上职业资格且专业、工种对应，无不良行为记录。",
        "eligible_applicants": "符合条件的居住证持证人（由用人单位申报）",
        "applicant_kinds": ["enterprise"], "promised_limit": limit(60, WORKING), "integration_mode": 3,
        "result": {"name": "准予落户通知", "kind": "approval_document", "delivery_methods": ["electronic"]},
    },
    materials=[
        form("居住证转办常住户口申请表"),
        material("上海市居住证", source="government", licence="residence_permit"),
        material("专业技术职务任职资格证书或职业资格证书", source="government",
                 licence="professional_qualification"),
        material("个人所得税纳税记录", source="government", shared="individual_income_tax"),
        material("社会保险缴费记录", source="government", shared="social_insurance_contributions"),
    ],
)

PENSION = ItemSpec(
    key="pension", basic_code="080055001000", name="职工基本养老金申领", item_type="public_service",
    service_field="social_insurance",
    legal_basis="《中华人民共和国社会保险法》第十六条；《国务院关于实施渐进式延迟法定退休年龄的决定》", agency="SHRSJ",
    guide={
        "conditions": "达到法定退休年龄且累计缴纳基本养老保险费满最低缴费年限的参保人员，按月领取基本养老金。",
        "eligible_applicants": "本市职工基本养老保险参保人员（单位参保的由单位代为申请）",
        "applicant_kinds": ["person", "enterprise"], "promised_limit": limit(15, WORKING),
        "online_depth": "full_online", "in_person_trips": 0, "is_citywide": True,
        "result": {"name": "按月发放基本养老金", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    situations=[question("KIND", "退休类型", [("NORMAL", "正常退休"), ("FLEX", "灵活就业人员退休"),
                                             ("SPECIAL", "特殊工种提前退休")])],
    materials=[form("职工退休申请表"), id_card(), _SOCIAL_SECURITY_CARD,
               material("特殊工种岗位工作经历证明", source="other_organisation", copies=1, when=("KIND.SPECIAL",))],
)

EMPLOYER_REGISTRATION = ItemSpec(
    key="employer_insurance", basic_code="080056001000", name="单位参保登记", item_type="public_service",
    service_field="social_insurance", legal_basis="《中华人民共和国社会保险法》第五十七条", agency="SHRSJ",
    guide={
        "conditions": "用人单位应当自成立之日起三十日内申请办理社会保险登记。",
        "eligible_applicants": "本市新设立的用人单位",
        "applicant_kinds": ["enterprise"], "statutory_limit": limit(15, CALENDAR),
        "promised_limit": limit(None, SPOT), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "社会保险登记信息", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    materials=[form("社会保险登记表"), business_licence()],
)

UNEMPLOYMENT_REGISTRATION = ItemSpec(
    key="unemployment_registration", basic_code="080057001000", name="失业登记", item_type="public_service",
    service_field="employment",
    legal_basis="《中华人民共和国就业促进法》第四十二条；《就业服务与就业管理规定》第六十二条",
    agency="PDLJZ-SQ", delegated=True,
    guide={
        "conditions": "在法定劳动年龄内、有劳动能力、有就业要求、处于无业状态的人员，可以在常住地办理失业登记。",
        "eligible_applicants": "法定劳动年龄内的失业人员",
        "promised_limit": limit(None, SPOT), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "失业登记证明（电子）", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    materials=[form("失业登记表"), id_card()],
)

FUND_WITHDRAWAL = ItemSpec(
    key="fund_purchase", basic_code="080061001000", name="住房公积金提取", item_type="public_service",
    service_field="housing", legal_basis=_FUND_BASIS, agency="SHGJJ", unit_number=1, business_unit="购房",
    name_en="Housing provident fund withdrawal",
    guide={
        "conditions": "购买、建造、翻建、大修自住住房的职工，可以提取本人及配偶住房公积金账户内的存储余额。",
        "eligible_applicants": "本市住房公积金缴存职工",
        "statutory_limit": limit(3, CALENDAR), "promised_limit": limit(1, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3, "is_citywide": True,
        "result": {"name": "住房公积金提取款（转入本人银行账户）", "kind": "payment",
                   "delivery_methods": ["electronic"]},
    },
    situations=[question("HOUSE", "所购住房类型", [("NEW", "新建商品住房"), ("RESALE", "二手住房")])],
    materials=[
        form("住房公积金提取申请表"),
        id_card(),
        material("不动产权证书", source="government", licence="real_estate_certificate", when=("HOUSE.RESALE",)),
        material("商品房预售（出售）合同", source="government", shared="housing_sale_contract", when=("HOUSE.NEW",),
                 description="通过网签备案数据核验"),
        material("购房款发票或完税凭证", medium="electronic"),
    ],
)

FUND_RETIREMENT = FUND_WITHDRAWAL.elsewhere(
    "fund_retirement", "SHGJJ", unit_number=2, business_unit="退休",
    guide={**FUND_WITHDRAWAL.guide, "promised_limit": limit(None, SPOT),
           "conditions": "职工离休、退休的，可以提取本人住房公积金账户内的全部存储余额并销户。"},
    situations=[],
    materials=[form("住房公积金提取申请表"), id_card(),
               material("离退休证明", source="government", shared="retirement_record", description="通过社保数据核验")],
)

FUND_EMPLOYER = ItemSpec(
    key="fund_employer", basic_code="080062001000", name="住房公积金单位缴存登记", item_type="public_service",
    service_field="housing", legal_basis="《住房公积金管理条例》第十三条、第十四条", agency="SHGJJ",
    guide={
        "conditions": "新设立的单位应当自设立之日起30日内办理住房公积金缴存登记，并为本单位职工办理账户设立手续。",
        "eligible_applicants": "本市新设立的单位",
        "applicant_kinds": ["enterprise"], "statutory_limit": limit(5, CALENDAR),
        "promised_limit": limit(1, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "住房公积金单位登记信息", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    materials=[form("住房公积金单位缴存登记表"), business_licence()],
)

MEDICAL_REGISTRATION = ItemSpec(
    key="medical_registration_city", basic_code="080071001000", name="城乡居民基本医疗保险参保登记",
    item_type="public_service", service_field="social_insurance",
    legal_basis="《中华人民共和国社会保险法》第二十五条；《上海市城乡居民基本医疗保险办法》", agency="SHYBJ",
    guide={
        "conditions": "具有本市户籍、不属于职工基本医疗保险参保范围的城乡居民，"
                      "以及符合条件的非本市户籍中小学生和婴幼儿。",
        "eligible_applicants": "本市城乡居民、新生儿、中小学生",
        "promised_limit": limit(None, SPOT), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "城乡居民医保参保登记信息", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    situations=[question("WHO", "参保人员类别", [("NEWBORN", "新生儿"), ("STUDENT", "中小学生"),
                                                ("ADULT", "超过法定就业年龄人员"), ("OTHER", "其他城乡居民")]), AGENT],
    materials=[
        form("城乡居民基本医疗保险参保登记表"),
        id_card(description="新生儿以出生医学证明代替"),
        material("居民户口簿", source="government", shared="household_registration"),
        material("出生医学证明", source="other_organisation", licence="birth_medical_certificate",
                 when=("WHO.NEWBORN",)),
        *agent_materials(),
    ],
)

LONG_TERM_CARE = ItemSpec(
    key="long_term_care", basic_code="080072001000", name="长期护理保险需求评估申请", item_type="public_service",
    service_field="elderly_care", legal_basis="《上海市长期护理保险办法》", agency="HPNJDL-SQ", delegated=True,
    stage="awaiting_authority",
    guide={
        "conditions": "年满60周岁、参加本市职工医保（已办理退休手续）或居民医保的人员，可以申请照护需求评估；"
                      "评估等级为二至六级的，享受长期护理保险待遇。",
        "eligible_applicants": "本市60周岁及以上医保参保人员",
        "promised_limit": limit(20, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "照护需求评估结论", "kind": "other", "delivery_methods": ["electronic"]},
    },
    situations=[AGENT],
    materials=[form("长期护理保险需求评估申请表"), id_card(), _SOCIAL_SECURITY_CARD, *agent_materials()],
)

MEDICAL_REIMBURSEMENT = ItemSpec(
    key="medical_reimbursement", basic_code="080073001000", name="医疗费用零星报销", item_type="public_service",
    service_field="social_insurance",
    legal_basis="《中华人民共和国社会保险法》第二十八条、第二十九条；《上海市职工基本医疗保险办法》",
    agency="SHYBJ", stage="awaiting_publication",
    guide={
        "conditions": "参保人员因急诊、转外就医等原因未能直接结算的合规医疗费用，可以申请零星报销。",
        "eligible_applicants": "本市基本医疗保险参保人员",
        "promised_limit": limit(20, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "医疗费用报销款", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    materials=[form("医疗费用零星报销申请表"), id_card(), material("医疗收费电子票据", medium="electronic"),
               material("费用明细清单", medium="electronic"), material("出院小结或门急诊病历", copies=1)],
)

ITEMS = [
    SOCIAL_SECURITY_CARD,
    UNEMPLOYMENT_BENEFIT,
    POINTS,
    HUKOU_TRANSFER,
    PENSION,
    EMPLOYER_REGISTRATION,
    UNEMPLOYMENT_REGISTRATION,
    FUND_WITHDRAWAL,
    FUND_RETIREMENT,
    FUND_EMPLOYER,
    MEDICAL_REGISTRATION,
    MEDICAL_REGISTRATION.elsewhere("medical_registration_ljz", "PDLJZ-SQ", delegated=True),
    LONG_TERM_CARE,
    MEDICAL_REIMBURSEMENT,
]
