"""Demo applicants: citizens, a foreigner and an enterprise with delegated members (ID-1, ID-3, ID-4).

Everything goes through the real services and the sandbox adapters: the SMS
sandbox "sends" the sign-up code, the sandbox population, exit-entry and bank
registries confirm the demo people of ``identity/adapters/sandbox_people.json``,
the sandbox legal-person registry confirms the enterprise. The demo password is
shared with the staff accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.identity.models import DocumentType, EnterpriseGrant, GrantRole, GrantScope, Person
from tongban.identity.services import enterprises, persons, real_name
from tongban.identity.services.one_time_codes import sandbox_code


@dataclass(frozen=True)
class DemoApplicant:
    """A demo person: how they log in and how far they are verified."""

    phone: str
    name: str
    level: int
    note: str


APPLICANTS = [
    DemoApplicant("13800138000", "张伟", 3, "居民，L3（银行卡核验）；上海通办示范科技有限公司法定代表人"),
    DemoApplicant("13800138001", "李娜", 2, "居民，L2；该企业管理员（全部事项）"),
    DemoApplicant("13800138003", "赵敏", 2, "居民，L2；该企业经办人（指定事项类型：行政许可）"),
    DemoApplicant("13800138005", "陈静", 1, "居民，仅手机验证（L1），可自行完成实名核验"),
    DemoApplicant("13900139000", "JOHN SMITH", 2, "外国人（护照），L2"),
]
DEMO_ENTERPRISE_USCC = "91310000MA1FL0001R"
DEMO_ENTERPRISE_NAME = "上海通办示范科技有限公司"


def _sign_up(phone: str, password: str) -> Person:
    persons.request_sign_up_code(phone)
    person = persons.sign_up(phone, sandbox_code(phone) or "")
    persons.set_password(person.user, password, password)
    return person


def create_applicants(password: str) -> dict[str, Person]:
    """Sign the demo applicants up and raise their levels; bind the demo enterprise and its grants."""
    people = {applicant.phone: _sign_up(applicant.phone, password) for applicant in APPLICANTS}
    zhang, li, zhao = people["13800138000"], people["13800138001"], people["13800138003"]
    real_name.raise_to_resident_level(zhang.user, "张伟", "310101199003071310")
    real_name.raise_by_bank_card(zhang.user, "6222021000000010016", "13800138000")
    real_name.raise_to_resident_level(li.user, "李娜", "310104198512122424")
    real_name.raise_to_resident_level(zhao.user, "赵敏", "320102199501200881")
    real_name.raise_to_foreigner_level(people["13900139000"].user, "JOHN SMITH", DocumentType.PASSPORT, "567890123",
                                       "USA")
    enterprise = enterprises.register_enterprise(Person.objects.get(pk=zhang.pk), DEMO_ENTERPRISE_USCC,
                                                 DEMO_ENTERPRISE_NAME)
    root = EnterpriseGrant.objects.get(enterprise=enterprise, parent__isnull=True)
    administrator = enterprises.grant(Person.objects.get(pk=zhang.pk), root, "13800138001",
                                      GrantRole.ADMINISTRATOR, GrantScope.ALL_ITEMS)
    enterprises.grant(Person.objects.get(pk=li.pk), administrator, "13800138003", GrantRole.OPERATOR,
                      GrantScope.ITEM_TYPES, ["licensing"])
    return {phone: Person.objects.get(pk=person.pk) for phone, person in people.items()}
