"""Demo trust services: agency seals, the demo licence types, issued licences for the demo applicants and
their enterprise, seal applications, and a trusted issuer of another region — all through the real services."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tongban.agencies.models import Agency
from tongban.identity.models import Enterprise, Person, User
from tongban.licences.services import issuance, regions, types
from tongban.seals.models import SealKind
from tongban.seals.services import registry
from tongban.seals.services.signing import b64url, canonical

# Agencies that issue the demo's licences (and the Pudong police branch, which handles the demo cases).
SEALED_AGENCIES = ("SHGAJ", "SHGAJ-PD", "SHSCJ", "PDSCJ", "SHMZJ", "PDMZJ")
DEMO_REGION_KEY_ID = "zj-demo-2026"


def _other_region_licence(operator: User, holder_name: str, id_number: str) -> None:
    """A demo Zhejiang platform: its key goes on the trust list, one of its licences is gathered for the holder."""
    key = ed25519.Ed25519PrivateKey.generate()  # the other platform's key; only its public half is kept
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    regions.add_issuer(operator, key_id=DEMO_REGION_KEY_ID, region="浙江", name="浙江政务服务网（演示）",
                       public_key_pem=public_pem)
    document = {
        "number": "330100202400012345", "licence_type": "residence_permit", "type_name": "浙江省居住证",
        "issuer": "杭州市公安局", "holder": {"name": holder_name, "id_number": id_number},
        "fields": {"name": holder_name, "id_number": id_number, "address": "杭州市西湖区文三路100号",
                   "reason": "就业"},
        "issued_on": "2025-03-01", "valid_until": "2027-02-28",
    }
    regions.import_document(None, {"document": document, "kid": DEMO_REGION_KEY_ID, "alg": "ed25519",
                                   "sig": b64url(key.sign(canonical(document)))})


def create_trust_services(agencies: dict[str, Agency], users: dict[str, User], applicants: dict[str, Person]) -> int:
    """Seals, types and licences for the demo; returns the number of licences issued."""
    operator = users["operator"]
    for code in SEALED_AGENCIES:
        registry.create_agency_seal(operator, agencies[code])
    registry.create_agency_seal(operator, agencies["SHSCJ"], kind=SealKind.AGENCY_BUSINESS, name="上海市市场监督管理局",
                                caption="证照专用章")
    types.define_demo_types(agencies)
    zhang, li, zhao = applicants["13800138000"], applicants["13800138001"], applicants["13800138003"]
    police, civil, market = agencies["SHGAJ"], agencies["SHMZJ"], agencies["SHSCJ"]
    issued = [
        issuance.issue(None, "resident_id_card", agency=police, person=zhang, fields={
            "sex": "男", "ethnicity": "汉", "birth_date": "1990-03-07", "address": "上海市黄浦区人民大道200号"}),
        issuance.issue(None, "resident_id_card", agency=police, person=li, fields={
            "sex": "女", "ethnicity": "汉", "birth_date": "1985-12-12", "address": "上海市徐汇区漕溪北路88号"}),
        issuance.issue(None, "resident_id_card", agency=police, person=zhao, fields={
            "sex": "女", "ethnicity": "汉", "birth_date": "1995-01-20", "address": "江苏省南京市玄武区中山路1号"}),
        issuance.issue(None, "marriage_certificate", agency=civil, person=zhang, fields={
            "spouse_name": "王芳", "spouse_id_number": "310104199105051229", "registered_on": "2020-05-20"}),
        issuance.issue(None, "no_criminal_record_proof", agency=police, person=zhang, fields={
            "purpose": "出国留学", "statement": "经查询，截至开具之日，未发现该人有犯罪记录。"}),
    ]
    enterprise = Enterprise.objects.get(legal_representative=zhang)
    issued += [
        issuance.issue(None, "business_licence", agency=market, enterprise=enterprise, fields={
            "registered_capital": "500万元人民币", "established_on": "2021-06-18",
            "address": "上海市浦东新区张江路88号",
            "business_scope": "软件开发；信息系统集成服务；数据处理和存储支持服务"}),
        issuance.issue(None, "food_business_licence", agency=market, enterprise=enterprise, fields={
            "business_address": "上海市浦东新区张江路88号1层", "main_business": "单位食堂",
            "business_items": "热食类食品制售"}),
    ]
    # SEAL-2: 张伟's personal signature approved; the enterprise's seal application waits for the operator.
    registry.approve(operator, registry.apply(zhang.user, kind=SealKind.PERSONAL))
    registry.apply(li.user, kind=SealKind.ENTERPRISE, enterprise=enterprise)
    _other_region_licence(operator, "李娜", "310104198512122424")
    return len(issued)
