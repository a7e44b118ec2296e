"""Demo items of the public-security system: residence permits, ID cards, household registration, seals."""

from __future__ import annotations

from tongban.workbench.demo.defaults import (
    CALENDAR,
    SPOT,
    WORKING,
    ItemSpec,
    business_licence,
    fee,
    form,
    id_card,
    limit,
    material,
    question,
)

_CARD_FEE_BASIS = "《国家发展改革委 财政部关于居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）"

RESIDENCE_PERMIT = ItemSpec(
    key="residence_permit_pd", basic_code="020012001000", name="居住证申领", item_type="confirmation",
    name_en="Application for a Shanghai residence permit",
    legal_basis="《居住证暂行条例》（国务院令第663号）第二条、第九条、第十条；《上海市居住证办法》第四条、第十条",
    agency="SHGAJ-PD",
    guide={
        "conditions": "非本市户籍人员在本市办理居住登记满半年，并符合有合法稳定就业、合法稳定住所、连续就读条件之一的，"
                      "可以申领《上海市居住证》。",
        "eligible_applicants": "在本市居住的非本市户籍人员（含港澳台居民可按规定申领居住证）",
        "statutory_limit": limit(15, CALENDAR), "promised_limit": limit(10, WORKING),
        "fees": [fee("居住证换领、补领工本费", 2000, rule="首次申领免收工本费",
                     basis="《居住证暂行条例》第十三条")],
        "result": {"name": "上海市居住证", "kind": "licence", "licence_type": "residence_permit",
                   "delivery_methods": ["pickup", "courier"]},
        "integration_mode": 3, "is_citywide": True, "required_real_name_level": 3,
    },
    situations=[question("REASON", "申领居住证的事由", [("WORK", "合法稳定就业"), ("HOME", "合法稳定住所"),
                                                   ("STUDY", "连续就读")])],
    materials=[
        form("上海市居住证申请表"),
        id_card(),
        material("居住登记凭证", source="government", shared="residence_registration",
                 description="通过人口库共享核验，无需提交"),
        material("劳动合同或用人单位就业证明", copies=1, when=("REASON.WORK",)),
        material("社会保险缴费记录", source="government", shared="social_insurance_contributions",
                 when=("REASON.WORK",), description="通过社保数据共享核验"),
        material("不动产权证书或经登记备案的房屋租赁合同", medium="original_and_copy", copies=1,
                 when=("REASON.HOME",), licence="real_estate_certificate"),
        material("学校出具的在读证明", copies=1, when=("REASON.STUDY",)),
    ],
    form_fields=[("residence_address", "居住地址", "text"), ("reason", "申领事由", "enum:就业|住所|就读")],
    optimisation=("承诺时限由15日压缩至10个工作日；居住登记和社保缴费记录通过数据共享核验，不再提交复印件。",
                  [("居住登记凭证复印件", "通过人口库数据共享核验"), ("社会保险缴费证明", "通过社保数据共享核验")],
                  2, 5),
)

RESIDENCE_PERMIT_ENDORSEMENT = ItemSpec(
    key="residence_endorsement_ljz", basic_code="020012002000", name="居住证签注", item_type="confirmation",
    legal_basis="《居住证暂行条例》（国务院令第663号）第八条；《上海市居住证办法》第十五条",
    agency="PDLJZ-SQ", delegated=True,
    guide={
        "conditions": "持有有效《上海市居住证》并在本市继续居住的，应当每年签注一次；签注时仍须符合居住证申领条件。",
        "eligible_applicants": "《上海市居住证》持证人",
        "promised_limit": limit(None, SPOT), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "居住证签注信息", "kind": "licence", "licence_type": "residence_permit",
                   "delivery_methods": ["electronic"]},
        "integration_mode": 3, "is_citywide": True,
    },
    materials=[
        form("居住证签注申请表"),
        id_card(),
        material("上海市居住证", source="government", licence="residence_permit", description="通过电子证照库调取"),
        material("继续居住、就业的证明", source="government", shared="social_insurance_contributions",
                 description="通过社保和居住登记数据共享核验"),
    ],
    optimisation=("签注改为网上即办，证照和社保数据自动核验，由到窗口1次减为零跑动。",
                  [("居住证原件", "通过电子证照库调取"), ("就业证明", "通过社保数据共享核验")], 1, 4),
)

ID_CARD = ItemSpec(
    key="id_card_pd", basic_code="020015001000", name="居民身份证申领（换领、补领）", item_type="confirmation",
    legal_basis="《中华人民共和国居民身份证法》第八条、第十条、第十一条",
    agency="SHGAJ-PD", stage="maintenance",
    guide={
        "conditions": "居住在中华人民共和国境内的年满十六周岁的中国公民应当申领居民身份证；有效期满、证件损坏或遗失的，"
                      "应当换领或补领。",
        "eligible_applicants": "本市户籍居民；在本市居住的外省市户籍居民可异地办理",
        "statutory_limit": limit(60, CALENDAR), "promised_limit": limit(7, WORKING),
        "fees": [fee("居民身份证工本费（申领、换领）", 2000, basis=_CARD_FEE_BASIS),
                 fee("居民身份证工本费（补领）", 4000, basis=_CARD_FEE_BASIS)],
        "result": {"name": "中华人民共和国居民身份证", "kind": "licence", "licence_type": "resident_id_card",
                   "delivery_methods": ["pickup", "courier"]},
        "integration_mode": 3, "is_citywide": True, "required_real_name_level": 3,
    },
    situations=[question("KIND", "办理类型", [("FIRST", "首次申领"), ("RENEW", "有效期满或损坏换领"),
                                             ("LOST", "遗失补领")])],
    materials=[
        form("居民身份证申领登记表"),
        material("居民户口簿", source="government", licence="household_register", description="通过电子证照库调取"),
        material("原居民身份证", when=("KIND.RENEW",), description="换领时交回原证"),
        material("数码相片", description="现场采集或使用“一网通办”回执码", required=False),
    ],
    form_fields=[("kind", "办理类型", "enum:首次申领|换领|补领")],
)

NEWBORN_HUKOU = ItemSpec(
    key="newborn_hukou", basic_code="020016001000", name="新生儿落户", item_type="confirmation",
    legal_basis="《中华人民共和国户口登记条例》第七条",
    agency="SHGAJ-PD",
    guide={
        "conditions": "婴儿出生后一个月以内申报出生登记；"
                      "父母一方为本市常住户口的，新生儿可随父或随母在本市申报出生登记。",
        "eligible_applicants": "新生儿父母或其他监护人",
        "promised_limit": limit(5, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "居民户口簿（新生儿户口页）", "kind": "certificate", "licence_type": "household_register",
                   "delivery_methods": ["courier", "electronic"]},
        "integration_mode": 3,
    },
    situations=[
        question("WITH", "新生儿随谁落户", [("FATHER", "随父落户"), ("MOTHER", "随母落户")]),
        question("MARRIAGE", "父母婚姻状况", [("MARRIED", "已登记结婚"), ("UNMARRIED", "非婚生育")]),
    ],
    materials=[
        material("出生医学证明", source="other_organisation", licence="birth_medical_certificate",
                 description="通过电子证照库调取电子出生医学证明"),
        id_card("父母双方"),
        material("落户方居民户口簿", source="government", licence="household_register"),
        material("结婚证", source="government", licence="marriage_certificate", when=("MARRIAGE.MARRIED",)),
        material("非婚生育情况说明", copies=1, when=("MARRIAGE.UNMARRIED",)),
    ],
    form_fields=[("newborn_name", "新生儿姓名", "text"), ("birth_date", "出生日期", "date")],
)

COMPANY_SEAL_FILING = ItemSpec(
    key="seal_filing", basic_code="060013001000", name="公章刻制备案", item_type="filing",
    legal_basis="《印铸刻字业暂行管理规则》第五条；《国务院关于第三批取消中央指定地方实施行政许可事项的决定》"
                "（国发〔2017〕7号）",
    agency="SHGAJ-PD",
    guide={
        "conditions": "依法登记的企业、个体工商户和其他组织刻制公章，由刻章企业通过系统向公安机关备案。",
        "eligible_applicants": "企业、个体工商户、农民专业合作社等市场主体",
        "applicant_kinds": ["enterprise"], "promised_limit": limit(None, SPOT), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3,
        "result": {"name": "公章刻制备案回执", "kind": "filing_receipt", "delivery_methods": ["electronic"]},
    },
    materials=[business_licence(), id_card("法定代表人"), material("印章印模", medium="electronic")],
    optimisation=("公章刻制纳入开办企业一件事，刻章企业在线备案，市场主体免跑公安窗口。",
                  [("营业执照复印件", "通过电子证照库调取"), ("法定代表人身份证复印件", "通过电子证照库调取")], 1, 3),
)

ITEMS = [
    RESIDENCE_PERMIT,
    RESIDENCE_PERMIT.elsewhere("residence_permit_hp", "SHGAJ-HP"),
    RESIDENCE_PERMIT_ENDORSEMENT,
    RESIDENCE_PERMIT_ENDORSEMENT.elsewhere("residence_endorsement_njdl", "HPNJDL-SQ"),
    ID_CARD,
    NEWBORN_HUKOU,
    COMPANY_SEAL_FILING,
]
