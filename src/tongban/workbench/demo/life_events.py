"""Demo life events (一件事, ITEM-11): two personal events and one enterprise event, saved by the operator."""

from __future__ import annotations

from tongban.catalogue.models import LifeEvent
from tongban.catalogue.models.choices import LifeEventKind
from tongban.catalogue.services.life_events import save_life_event
from tongban.workbench.demo.stages import Actors

# (code, name, kind, lead agency, item keys, situations, promised working days, description)
LIFE_EVENTS = (
    ("LE-NEWBORN", "新生儿出生一件事", LifeEventKind.PERSONAL, "SHWJW",
     ["birth_certificate", "newborn_hukou", "medical_registration_city", "social_security_card"],
     [("LOCAL", "父母一方为本市户籍，新生儿在本市落户"), ("PERMIT", "父母持《上海市居住证》，新生儿不在本市落户"),
      ("MULTIPLE", "双胞胎或多胞胎"), ("UNMARRIED", "非婚生育")],
     5, "新生儿出生后，一次申请即可办理出生医学证明、户口登记、城乡居民医保参保登记和社会保障卡申领，"
        "材料一次提交、结果统一送达。"),
    ("LE-RETIREMENT", "退休一件事", LifeEventKind.PERSONAL, "SHRSJ",
     ["pension", "fund_retirement"],
     [("NORMAL", "企业职工正常退休"), ("FLEX", "灵活就业人员退休"), ("SPECIAL", "特殊工种提前退休")],
     15, "职工达到退休年龄，一次申请即可办理基本养老金申领和住房公积金退休提取。"),
    ("LE-START-BUSINESS", "开办企业一件事", LifeEventKind.ENTERPRISE, "PDSCJ",
     ["company_setup_pd", "seal_filing", "employer_insurance", "fund_employer"],
     [("LLC", "设立有限责任公司"), ("PARTNER", "设立合伙企业")],
     2, "企业设立登记、公章刻制备案、单位参保登记和住房公积金单位缴存登记“一表申请、一窗领取”，"
        "电子营业执照和电子印章同步发放。"),
)


def create_life_events(actors: Actors, implementation_codes: dict[str, str]) -> list[LifeEvent]:
    """Save and publish every demo life event as the platform operator."""
    events = []
    for code, name, kind, lead, keys, situations, days, description in LIFE_EVENTS:
        events.append(save_life_event(
            actors.operator, code=code, name=name, kind=kind, description=description,
            lead_agency=actors.agencies[lead], item_codes=[implementation_codes[key] for key in keys],
            situations=[{"code": situation, "label": label} for situation, label in situations],
            promised_limit_working_days=days, publish=True,
        ))
    return events
