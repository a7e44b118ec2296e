"""Demo items of market regulation: enterprise registration, food business, patents, whistle-blower rewards."""

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

_REGISTRATION_BASIS = "《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》第三条、第十九条"
_FOOD_BASIS = "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）"
_REGISTRATION_RESULT = {"name": "营业执照（含电子营业执照）", "kind": "licence", "licence_type": "business_licence",
                        "delivery_methods": ["electronic", "courier", "pickup"]}

COMPANY_SETUP = ItemSpec(
    key="company_setup_city", basic_code="010041001000", name="企业设立登记", item_type="licensing",
    name_en="Enterprise establishment registration", legal_basis=_REGISTRATION_BASIS,
    agency="SHSCJ", stage="change_pending",
    guide={
        "conditions": "名称经自主申报且符合规定，住所（经营场所）真实合法，投资人、出资方式和组织机构符合法律规定，"
                      "申请材料齐全、符合法定形式。",
        "eligible_applicants": "拟设立企业的投资人（股东、发起人、合伙人）或其委托的代理人",
        "applicant_kinds": ["person", "enterprise"],
        "statutory_limit": limit(3, WORKING), "promised_limit": limit(1, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3, "result": _REGISTRATION_RESULT,
    },
    situations=[
        question("TYPE", "企业类型", [("LLC", "有限责任公司"), ("JSC", "股份有限公司"), ("SOLE", "个人独资企业"),
                                     ("PARTNER", "合伙企业")]),
        question("PREMISES", "住所（经营场所）情况", [("OWN", "自有房产"), ("LEASE", "租赁房产")]),
        AGENT,
    ],
    materials=[
        form("企业设立登记申请书"),
        form("公司章程", when=("TYPE.LLC", "TYPE.JSC"), description="全体股东（发起人）签署"),
        material("合伙协议", when=("TYPE.PARTNER",), description="全体合伙人签署"),
        id_card("投资人", description="自然人投资人的身份证明通过电子证照库调取；企业投资人提交主体资格证明"),
        material("法定代表人、董事、监事和经理的任职文件", when=("TYPE.LLC", "TYPE.JSC")),
        material("不动产权证书", source="government", licence="real_estate_certificate", when=("PREMISES.OWN",)),
        material("房屋租赁合同", medium="electronic", when=("PREMISES.LEASE",), commitment=True,
                 description="可选择住所信息申报承诺制"),
        *agent_materials(),
    ],
    form_fields=[("proposed_name", "拟设立企业名称", "text"), ("registered_capital", "注册资本（万元）", "integer"),
                 ("business_scope", "经营范围", "text"), ("address", "住所", "text")],
    optimisation=("开办企业“一表申请、一窗领取”：营业执照、公章刻制、社保和公积金登记同步办理，"
                  "登记时限由3个工作日压缩至1个工作日。",
                  [("投资人身份证复印件", "通过电子证照库调取"),
                   ("住所产权证明复印件", "自有房产通过不动产登记数据核验")],
                  2, 6),
    change={
        "promised_limit": limit(None, SPOT),
        "optimisation_record": {
            "summary": "材料齐全、符合法定形式的设立登记改为即办件，当场核发电子营业执照。",
            "removed_materials": [{"name": "投资人身份证复印件", "reason": "通过电子证照库调取"}],
            "trips_before": 0, "steps_before": 4,
        },
    },
)

COMPANY_CHANGE = ItemSpec(
    key="company_change_city", basic_code="010041002000", name="企业变更登记", item_type="licensing",
    legal_basis="《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》第二十四条至第二十九条",
    agency="SHSCJ",
    guide={
        "conditions": "登记事项发生变更的，应当自作出变更决议、决定或者法定变更事项发生之日起30日内申请变更登记。",
        "eligible_applicants": "已登记的企业",
        "applicant_kinds": ["enterprise"],
        "statutory_limit": limit(3, WORKING), "promised_limit": limit(1, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3, "result": _REGISTRATION_RESULT,
    },
    situations=[question("ITEM", "变更事项", [("NAME", "名称"), ("ADDRESS", "住所"), ("LEGAL_REP", "法定代表人"),
                                             ("CAPITAL", "注册资本"), ("SCOPE", "经营范围")], several=True)],
    materials=[
        form("企业变更登记申请书"),
        business_licence(),
        material("股东会决议或股东决定", description="依照章程作出"),
        form("章程修正案或修改后的章程"),
        material("新住所使用证明", when=("ITEM.ADDRESS",), commitment=True),
        id_card("新任法定代表人", when=("ITEM.LEGAL_REP",)),
        material("减资公告情况说明", when=("ITEM.CAPITAL",), required=False,
                 description="减少注册资本的，应在国家企业信用信息公示系统公示满45日"),
    ],
    form_fields=[("change_items", "变更事项", "text")],
)

COMPANY_CANCEL = ItemSpec(
    key="company_cancel", basic_code="010041003000", name="企业注销登记", item_type="licensing",
    legal_basis="《中华人民共和国公司法》；《中华人民共和国市场主体登记管理条例》第三十一条至第三十四条",
    agency="SHSCJ",
    guide={
        "conditions": "企业解散并依法完成清算，或未发生债权债务、已将债权债务清偿完结的企业经全体投资人书面承诺，"
                      "可以申请注销登记；简易注销须在国家企业信用信息公示系统公示20日。",
        "eligible_applicants": "已登记的企业（清算组或全体投资人）",
        "applicant_kinds": ["enterprise"],
        "statutory_limit": limit(3, WORKING), "promised_limit": limit(1, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3,
        "result": {"name": "准予注销登记通知书", "kind": "approval_document", "delivery_methods": ["electronic"]},
    },
    situations=[question("MODE", "注销方式", [("NORMAL", "一般注销"), ("SIMPLE", "简易注销")])],
    materials=[
        form("企业注销登记申请书"),
        business_licence(),
        material("清算报告", when=("MODE.NORMAL",), description="经股东会确认并签署"),
        form("全体投资人承诺书", when=("MODE.SIMPLE",), commitment=True),
    ],
)

SOLE_TRADER = ItemSpec(
    key="sole_trader_hp", basic_code="010042001000", name="个体工商户设立登记", item_type="licensing",
    legal_basis="《促进个体工商户发展条例》第二条；《中华人民共和国市场主体登记管理条例》第十九条",
    agency="HPSCJ", stage="urgent_suspension",
    guide={
        "conditions": "有经营能力的公民，经营场所真实合法，申请材料齐全、符合法定形式。",
        "eligible_applicants": "有经营能力的自然人（可个人经营或家庭经营）",
        "statutory_limit": limit(3, WORKING), "promised_limit": limit(None, SPOT), "online_depth": "full_online",
        "in_person_trips": 0, "integration_mode": 3, "result": _REGISTRATION_RESULT, "is_citywide": True,
    },
    materials=[form("个体工商户登记申请书"), id_card("经营者"),
               material("经营场所使用证明", medium="electronic", commitment=True)],
    form_fields=[("trade_name", "个体工商户名称", "text"), ("business_scope", "经营范围", "text")],
)

FOOD_LICENCE = ItemSpec(
    key="food_new_pd", basic_code="010043001000", name="食品经营许可", item_type="licensing",
    legal_basis=_FOOD_BASIS, agency="PDSCJ", unit_number=1, business_unit="新办",
    name_en="Food business licence",
    guide={
        "conditions": "具有与经营的食品品种、数量相适应的经营场所和设备设施，"
                      "有专职或兼职的食品安全管理人员和保证食品安全的规章制度，设备布局和工艺流程合理。",
        "eligible_applicants": "已取得营业执照等主体资格的食品经营者",
        "applicant_kinds": ["enterprise"],
        "statutory_limit": limit(10, WORKING), "promised_limit": limit(5, WORKING), "online_depth": "full_online",
        "in_person_trips": 0,
        "result": {"name": "食品经营许可证", "kind": "licence", "licence_type": "food_business_licence",
                   "delivery_methods": ["electronic", "courier"]},
    },
    situations=[
        question("SCOPE", "经营项目", [("PREPACKED", "预包装食品销售（含冷藏冷冻）"), ("BULK", "散装食品销售"),
                                      ("HOT", "热食类食品制售"), ("COLD", "冷食类食品制售")], several=True),
        question("COMMIT", "是否选择告知承诺方式办理", [("YES", "告知承诺"), ("NO", "一般程序")]),
    ],
    materials=[
        form("食品经营许可申请书"),
        business_licence(),
        id_card("法定代表人（负责人）"),
        material("主要设备设施布局、操作流程等文件", copies=1, when=("SCOPE.HOT", "SCOPE.COLD")),
        form("食品安全管理制度目录", description="进货查验、从业人员健康管理、食品安全自查、事故处置等"),
        material("食品安全管理人员基本信息", medium="electronic"),
        form("食品经营许可告知承诺书", when=("COMMIT.YES",), commitment=True),
    ],
    form_fields=[("premises", "经营场所", "text"),
                 ("main_format", "主体业态", "enum:食品销售经营者|餐饮服务经营者|单位食堂")],
    optimisation=("法定时限10个工作日压缩至5个工作日，选择告知承诺的当场发证、事后核查；营业执照、"
                  "身份证明通过电子证照库调取。",
                  [("营业执照复印件", "通过电子证照库调取"), ("法定代表人身份证复印件", "通过电子证照库调取"),
                   ("健康证明复印件", "通过卫生健康部门数据共享核验")], 1, 5),
)

FOOD_RENEWAL = FOOD_LICENCE.elsewhere(
    "food_renew_pd", "PDSCJ", unit_number=2, business_unit="延续",
    guide={
        **FOOD_LICENCE.guide,
        "conditions": "食品经营许可有效期届满需要继续经营的，应当在有效期届满前90个工作日至15个工作日期间提出延续申请；"
                      "许可条件未发生变化的可当场延续。",
        "promised_limit": limit(None, SPOT),
    },
    situations=[],
    materials=[form("食品经营许可延续申请书"), business_licence(),
               material("原食品经营许可证", source="government", licence="food_business_licence"),
               form("许可条件未发生变化的承诺书", commitment=True)],
    optimisation=("条件未变化的延续申请改为承诺即办，当场换发新证。",
                  [("原许可证复印件", "通过电子证照库调取")], 1, 4),
)

FOOD_CHANGE = FOOD_LICENCE.elsewhere(
    "food_change_pd", "PDSCJ", stage="draft", unit_number=3, business_unit="变更",
    guide={**FOOD_LICENCE.guide,
           "conditions": "食品经营许可证载明的许可事项发生变化的，应当在变化后10个工作日内申请变更。",
           "promised_limit": limit(3, WORKING)},
    situations=[], materials=[form("食品经营许可变更申请书"), business_licence(),
                              material("原食品经营许可证", source="government", licence="food_business_licence")],
)

PREPACKED_FOOD_FILING = ItemSpec(
    key="prepacked_filing", basic_code="060044001000", name="仅销售预包装食品备案", item_type="filing",
    legal_basis=_FOOD_BASIS, agency="HPSCJ",
    guide={
        "conditions": "仅销售预包装食品的经营者，应当在开展销售活动之日起5个工作日内"
                      "向经营所在地县级市场监督管理部门备案。",
        "eligible_applicants": "仅销售预包装食品的食品经营者",
        "applicant_kinds": ["enterprise", "person"], "promised_limit": limit(None, SPOT),
        "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "仅销售预包装食品备案信息采集表（备案编号）", "kind": "filing_receipt",
                   "delivery_methods": ["electronic"]},
    },
    materials=[form("仅销售预包装食品备案信息采集表"), business_licence()],
)

PATENT_DISPUTE = ItemSpec(
    key="patent_dispute", basic_code="030045001000", name="专利侵权纠纷行政裁决", item_type="adjudication",
    legal_basis="《中华人民共和国专利法》第六十五条；《专利行政执法办法》",
    agency="SHSCJ", stage="awaiting_test",
    guide={
        "conditions": "请求人是专利权人或者利害关系人；有明确的被请求人、请求事项和具体事实、理由；"
                      "属于本部门受案和管辖范围；当事人未就该专利侵权纠纷向人民法院起诉。",
        "eligible_applicants": "专利权人或利害关系人",
        "applicant_kinds": ["enterprise", "person"],
        "statutory_limit": limit(90, CALENDAR), "promised_limit": limit(45, WORKING), "online_depth": "counter",
        "in_person_trips": 2,
        "result": {"name": "专利侵权纠纷处理决定书", "kind": "approval_document",
                   "delivery_methods": ["pickup", "courier"]},
        "process_steps": [{"name": "提交请求", "description": "提交请求书及证据"}, {"name": "立案"},
                          {"name": "答辩与口头审理", "description": "双方当事人到场"},
                          {"name": "作出处理决定", "description": "送达双方当事人"}],
    },
    materials=[
        form("专利侵权纠纷处理请求书", copies=2, description="按被请求人人数提交副本"),
        material("专利登记簿副本或专利权评价报告", source="government"),
        material("请求人主体资格证明", description="营业执照或居民身份证，可通过电子证照库调取"),
        material("侵权证据材料", copies=2),
    ],
)

FOOD_SAFETY_REWARD = ItemSpec(
    key="food_safety_reward", basic_code="050046001000", name="食品安全违法行为举报奖励", item_type="reward",
    legal_basis="《中华人民共和国食品安全法》第一百一十五条；《市场监管领域重大违法行为举报奖励暂行办法》",
    agency="SHSCJ", stage="rejected",
    guide={
        "conditions": "实名举报食品安全违法行为，举报内容经查证属实并作出行政处罚决定或移送司法机关的，"
                      "按规定给予奖励。",
        "eligible_applicants": "实名举报人",
        "promised_limit": limit(15, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "举报奖励金", "kind": "payment", "delivery_methods": ["electronic"]},
    },
    materials=[form("举报奖励领取确认书"), id_card(), material("银行账户信息", medium="electronic")],
)

ITEMS = [
    COMPANY_SETUP,
    COMPANY_SETUP.elsewhere("company_setup_pd", "PDSCJ"),
    COMPANY_SETUP.elsewhere("company_setup_xh", "XHSCJ"),
    COMPANY_CHANGE,
    COMPANY_CHANGE.elsewhere("company_change_pd", "PDSCJ"),
    COMPANY_CANCEL,
    SOLE_TRADER,
    FOOD_LICENCE,
    FOOD_LICENCE.elsewhere("food_new_hp", "HPSCJ"),
    FOOD_RENEWAL,
    FOOD_CHANGE,
    PREPACKED_FOOD_FILING,
    PATENT_DISPUTE,
    FOOD_SAFETY_REWARD,
]
