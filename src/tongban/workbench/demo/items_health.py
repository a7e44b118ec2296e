"""Demo items of health, education, disability services and community culture."""

from __future__ import annotations

from tongban.workbench.demo.defaults import (
    AGENT,
    WORKING,
    ItemSpec,
    agent_materials,
    form,
    id_card,
    limit,
    material,
    question,
)

_PRACTICE_PROCESS = [
    {"name": "网上申请", "description": "通过“一网通办”提交注册申请"},
    {"name": "审核", "description": "卫生健康主管部门审核"},
    {"name": "决定", "description": "准予注册的核发电子执业证书"},
]

BIRTH_CERTIFICATE = ItemSpec(
    key="birth_certificate", basic_code="080081001000", name="出生医学证明办理", item_type="public_service",
    service_field="health",
    legal_basis="《中华人民共和国母婴保健法》第二十三条；《中华人民共和国母婴保健法实施办法》第二十八条",
    agency="SHWJW", name_en="Medical birth certificate",
    guide={
        "conditions": "在本市助产机构出生的新生儿，由出生时的助产机构签发《出生医学证明》；遗失的可以申请补发，"
                      "信息有误的可以申请换发。",
        "eligible_applicants": "新生儿父母或其他监护人",
        "promised_limit": limit(5, WORKING), "online_depth": "full_online", "in_person_trips": 0,
        "is_citywide": True,
        "result": {"name": "出生医学证明", "kind": "licence", "licence_type": "birth_medical_certificate",
                   "delivery_methods": ["electronic", "courier"]},
    },
    situations=[question("KIND", "办理类型", [("FIRST", "首次签发"), ("REISSUE", "遗失补发"),
                                             ("REPLACE", "信息有误换发")])],
    materials=[
        form("出生医学证明首次签发登记表"),
        id_card("父母双方"),
        material("新生儿住院分娩记录", source="other_organisation", shared="hospital_delivery_record",
                 description="助产机构系统推送，无需提交"),
        form("出生医学证明补发申请表", when=("KIND.REISSUE",)),
        material("原出生医学证明", when=("KIND.REPLACE",)),
        material("登报声明或遗失情况说明", when=("KIND.REISSUE",), commitment=True),
    ],
    form_fields=[("newborn_name", "新生儿姓名", "text"), ("birth_date", "出生日期", "date"),
                 ("hospital", "助产机构", "text")],
)

PHYSICIAN = ItemSpec(
    key="physician_registration", basic_code="010082001000", name="医师执业注册", item_type="licensing",
    legal_basis="《中华人民共和国医师法》第十三条至第十五条", agency="SHWJW",
    guide={
        "conditions": "取得医师资格、拟在本市医疗卫生机构执业的人员，应当向所在地卫生健康主管部门申请注册。",
        "eligible_applicants": "取得医师资格的人员",
        "statutory_limit": limit(20, WORKING), "promised_limit": limit(10, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "process_steps": _PRACTICE_PROCESS,
        "result": {"name": "医师执业证书（电子证照）", "kind": "licence",
                   "licence_type": "physician_practice_certificate",
                   "delivery_methods": ["electronic"]},
    },
    materials=[
        form("医师执业注册申请审核表"),
        id_card(),
        material("医师资格证书", source="government", licence="physician_qualification"),
        material("六个月内的健康体检证明", source="other_organisation", copies=1),
        material("拟执业机构的聘用证明", source="other_organisation", copies=1),
    ],
)

NURSE = ItemSpec(
    key="nurse_registration", basic_code="010083001000", name="护士执业注册", item_type="licensing",
    legal_basis="《护士条例》第七条、第八条", agency="SHWJW", stage="overdue",
    guide={
        "conditions": "通过国务院卫生主管部门组织的护士执业资格考试，完成规定的临床实习，符合健康标准，"
                      "拟在本市医疗卫生机构从事护理工作的人员。",
        "eligible_applicants": "通过护士执业资格考试的人员",
        "statutory_limit": limit(20, WORKING), "promised_limit": limit(10, WORKING), "online_depth": "full_online",
        "in_person_trips": 0, "process_steps": _PRACTICE_PROCESS,
        "result": {"name": "护士执业证书（电子证照）", "kind": "licence", "licence_type": "nurse_practice_certificate",
                   "delivery_methods": ["electronic"]},
    },
    materials=[
        form("护士执业注册申请审核表"),
        id_card(),
        material("护士执业资格考试成绩合格证明", source="government", shared="nurse_exam_result"),
        material("六个月内的健康体检证明", source="other_organisation", copies=1),
        material("拟执业机构的聘用证明", source="other_organisation", copies=1),
    ],
)

SECOND_CHILD_APPROVAL = ItemSpec(
    key="second_child_approval", basic_code="070084001000", name="再生育审批", item_type="other_power",
    legal_basis="《上海市人口与计划生育条例》", agency="SHWJW", stage="terminated",
    guide={
        "conditions": "符合《上海市人口与计划生育条例》规定条件，要求再生育子女的夫妻。",
        "eligible_applicants": "本市户籍夫妻",
        "promised_limit": limit(20, WORKING), "online_depth": "counter",
        "result": {"name": "再生育审批决定", "kind": "approval_document", "delivery_methods": ["pickup"]},
    },
    materials=[form("再生育申请表"), id_card("夫妻双方"),
               material("结婚证", source="government", licence="marriage_certificate")],
)

SCHOOL_ENROLMENT = ItemSpec(
    key="school_enrolment", basic_code="080091001000", name="义务教育入学登记", item_type="public_service",
    service_field="education",
    legal_basis="《中华人民共和国义务教育法》第十二条；《上海市实施〈中华人民共和国义务教育法〉办法》",
    agency="PDJYJ", name_en="Compulsory education enrolment",
    guide={
        "conditions": "当年8月31日前年满6周岁的适龄儿童，由父母或其他法定监护人在规定时间内进行入学信息登记；"
                      "本市户籍儿童按户籍地址对口入学，持《上海市居住证》人员的随迁子女按规定在居住地入学。",
        "eligible_applicants": "适龄儿童的父母或其他法定监护人",
        "promised_limit": limit(20, WORKING), "in_person_trips": 1,
        "result": {"name": "入学录取通知", "kind": "certificate", "delivery_methods": ["electronic"]},
    },
    situations=[
        question("HUKOU", "儿童户籍情况", [("LOCAL", "本市户籍"), ("PERMIT", "持《上海市居住证》人员随迁子女")]),
        question("STAGE", "入学阶段", [("PRIMARY", "小学一年级"), ("MIDDLE", "初中预备年级")]),
    ],
    materials=[
        form("义务教育阶段入学信息登记表"),
        material("儿童居民户口簿", source="government", licence="household_register", when=("HUKOU.LOCAL",)),
        material("父母一方的上海市居住证", source="government", licence="residence_permit", when=("HUKOU.PERMIT",)),
        material("居住证积分通知书", source="government", when=("HUKOU.PERMIT",), required=False),
        material("不动产权证书或房屋租赁合同", source="government", licence="real_estate_certificate"),
        material("预防接种证", source="other_organisation", shared="vaccination_record",
                 description="通过卫生健康部门数据核验"),
        material("小学学籍信息", source="government", shared="student_record", when=("STAGE.MIDDLE",)),
    ],
    form_fields=[("child_name", "儿童姓名", "text"), ("child_id_number", "儿童公民身份号码", "text"),
                 ("home_address", "居住地址", "text")],
)

DISABILITY_CARD = ItemSpec(
    key="disability_card", basic_code="080092001000", name="残疾人证办理", item_type="public_service",
    service_field="disability", legal_basis="《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》",
    agency="PDLJZ-SQ", delegated=True,
    guide={
        "conditions": "符合残疾标准的本市户籍居民，经指定医疗机构残疾评定后，可以申请办理《中华人民共和国残疾人证》。",
        "eligible_applicants": "本市户籍的视力、听力、言语、肢体、智力、精神及多重残疾人",
        "promised_limit": limit(20, WORKING),
        "result": {"name": "中华人民共和国残疾人证", "kind": "licence", "licence_type": "disability_certificate",
                   "delivery_methods": ["pickup", "courier"]},
    },
    situations=[AGENT],
    materials=[form("残疾人证申请表"), id_card(), material("近期2寸免冠彩色照片", copies=2),
               material("指定医疗机构出具的残疾评定表", source="other_organisation"), *agent_materials()],
)

CULTURE_BOOKING = ItemSpec(
    key="culture_booking", basic_code="080093001000", name="社区公共文化设施场地预约", item_type="public_service",
    service_field="culture_sport",
    legal_basis="《中华人民共和国公共文化服务保障法》第三十一条；《上海市公共文化服务保障与促进条例》",
    agency="HPNJDL-SQ", delegated=True, stage="suspension_pending",
    guide={
        "conditions": "社区居民、团队和社会组织开展公益性文化体育活动，可以预约社区文化活动中心的活动室和场地。",
        "eligible_applicants": "社区居民、群众文化团队、社会组织",
        "applicant_kinds": ["person", "enterprise"], "promised_limit": limit(3, WORKING),
        "online_depth": "full_online", "in_person_trips": 0,
        "result": {"name": "场地预约确认", "kind": "other", "delivery_methods": ["electronic"]},
    },
    materials=[form("场地使用预约单"), id_card("预约人")],
    form_fields=[("activity", "活动内容", "text"), ("activity_date", "活动日期", "date"),
                 ("participants", "参加人数", "integer")],
)

ITEMS = [
    BIRTH_CERTIFICATE,
    PHYSICIAN,
    NURSE,
    SECOND_CHILD_APPROVAL,
    SCHOOL_ENROLMENT,
    DISABILITY_CARD,
    CULTURE_BOOKING,
]
