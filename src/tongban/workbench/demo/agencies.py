"""The demo agency tree: a Shanghai-like city with its bureaus, three districts, two streets and a neighbourhood.

Each row gives the agency's code, names, level, kind, parent, region code and
the parts of its unified social credit code (USCC, GB 32100): the registry and
organisation-type characters (``11`` government organ, ``12`` public
institution, ``55`` grass-roots self-governing body), the six-digit region code
and an eight-digit organisation code body. The ninth character of the
organisation code (GB 11714) and the USCC check character are computed, so
every USCC passes ``tongban.core.identifiers.validate_uscc``.

``address`` and ``phone`` are not stored on the agency; the item builder puts
them into the guides as the service location and the consultation phone.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.agencies.models import Agency, AgencyKind, AgencyLevel
from tongban.core.identifiers import uscc_check_character

_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANISATION_CODE_CHARACTERS = "0123456789"


def organisation_code(body: str) -> str:
    """The nine-character organisation code (GB 11714): eight digits and their check character."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _ORGANISATION_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    # GB 11714 writes 10 as "X" and 11 as "0".
    return body + ("X" if check == 10 else "0" if check == 11 else _ORGANISATION_CODE_CHARACTERS[check])


def uscc(registry: str, region_code: str, organisation_body: str) -> str:
    """A valid USCC from the registry/type characters, the region code and the organisation code body."""
    first_seventeen = registry + region_code[:6] + organisation_code(organisation_body)
    return first_seventeen + uscc_check_character(first_seventeen)


@dataclass(frozen=True)
class AgencyRow:
    """One demo agency; ``parent`` is the parent's code."""

    code: str
    name: str
    short_name: str
    name_en: str
    level: AgencyLevel
    kind: AgencyKind
    parent: str | None
    region_code: str
    registry: str
    organisation_body: str
    address: str
    phone: str
    business_lead: tuple[str, str]
    technical_lead: tuple[str, str]

    @property
    def uscc(self) -> str:
        return uscc(self.registry, self.region_code, self.organisation_body)


_C, _D, _S, _V = AgencyLevel.CITY, AgencyLevel.DISTRICT, AgencyLevel.STREET, AgencyLevel.VILLAGE
_GOV, _DEPT, _CENTRE = AgencyKind.GOVERNMENT, AgencyKind.DEPARTMENT, AgencyKind.COMMUNITY_CENTRE
_INST, _PLATFORM, _COMMITTEE = AgencyKind.PUBLIC_INSTITUTION, AgencyKind.PLATFORM, AgencyKind.COMMITTEE

ROOT = "SHGOV"
"""The city government: city-wide roles are held here so that they cover the whole tree."""

# Parents come before children (the loader creates the rows in this order).
AGENCIES: tuple[AgencyRow, ...] = (
    AgencyRow("SHGOV", "上海市人民政府", "市政府", "Shanghai Municipal People's Government", _C, _GOV, None,
              "310000", "11", "00240210", "上海市黄浦区人民大道200号", "021-12345",
              ("陈立群", "021-23112001"), ("周海明", "021-23112002")),
    AgencyRow("SHBGT", "上海市人民政府办公厅", "市政府办公厅", "General Office of Shanghai Municipal Government", _C,
              _DEPT, "SHGOV", "310000", "11", "00240211", "上海市黄浦区人民大道200号", "021-23112100",
              ("王晓峰", "021-23112101"), ("刘思远", "021-23112102")),
    AgencyRow("SHBB", "上海市机构编制委员会办公室", "市审改部门", "Shanghai Commission Office for Public Sector Reform",
              _C, _DEPT, "SHGOV", "310000", "11", "00240215", "上海市黄浦区人民大道200号", "021-23112200",
              ("张文静", "021-23112201"), ("徐振华", "021-23112202")),
    AgencyRow("SHDSJ", "上海市大数据中心", "市大数据中心", "Shanghai Big Data Center", _C, _PLATFORM, "SHGOV",
              "310000", "12", "42500871", "上海市徐汇区宛平南路88号", "021-64391000",
              ("李明哲", "021-64391001"), ("赵一帆", "021-64391002")),
    AgencyRow("SHMZJ", "上海市民政局", "市民政局", "Shanghai Civil Affairs Bureau", _C, _DEPT, "SHGOV", "310000",
              "11", "00240250", "上海市静安区昌平路1000号", "021-24011999",
              ("孙丽华", "021-24011901"), ("吴建国", "021-24011902")),
    AgencyRow("SHGAJ", "上海市公安局", "市公安局", "Shanghai Municipal Public Security Bureau", _C, _DEPT, "SHGOV",
              "310000", "11", "00240230", "上海市黄浦区福州路185号", "021-24024000",
              ("黄卫东", "021-24024001"), ("何俊杰", "021-24024002")),
    AgencyRow("SHGAJ-PD", "上海市公安局浦东分局", "浦东公安分局", "Pudong Branch, Shanghai Public Security Bureau",
              _D, _DEPT, "SHGAJ", "310115", "11", "42525301", "上海市浦东新区合欢路2号浦东新区市民中心",
              "021-28951000", ("钱志刚", "021-28951001"), ("冯晓东", "021-28951002")),
    AgencyRow("SHGAJ-HP", "上海市公安局黄浦分局", "黄浦公安分局", "Huangpu Branch, Shanghai Public Security Bureau",
              _D, _DEPT, "SHGAJ", "310101", "11", "42520112", "上海市黄浦区金陵西路18号", "021-23032000",
              ("郑国庆", "021-23032001"), ("曹磊", "021-23032002")),
    AgencyRow("SHSCJ", "上海市市场监督管理局", "市市场监管局", "Shanghai Administration for Market Regulation", _C,
              _DEPT, "SHGOV", "310000", "11", "00240290", "上海市徐汇区肇嘉浜路301号", "021-64220000",
              ("杨静怡", "021-64220001"), ("朱晨阳", "021-64220002")),
    AgencyRow("SHRSJ", "上海市人力资源和社会保障局", "市人社局", "Shanghai Human Resources and Social Security Bureau",
              _C, _DEPT, "SHGOV", "310000", "11", "00240260", "上海市黄浦区中山南一路555号",
              "021-12333", ("林海燕", "021-23111001"), ("沈佳豪", "021-23111002")),
    AgencyRow("SHGJJ", "上海市住房公积金管理中心", "市公积金中心", "Shanghai Provident Fund Management Center", _C,
              _INST, "SHGOV", "310000", "12", "42500302", "上海市静安区巨鹿路158号",
              "021-12329", ("罗晓梅", "021-63231001"), ("韩斌", "021-63231002")),
    AgencyRow("SHWJW", "上海市卫生健康委员会", "市卫生健康委", "Shanghai Municipal Health Commission", _C, _DEPT,
              "SHGOV", "310000", "11", "00240270", "上海市静安区世博村路300号", "021-23117000",
              ("唐雅琴", "021-23117001"), ("许文博", "021-23117002")),
    AgencyRow("SHYBJ", "上海市医疗保障局", "市医保局", "Shanghai Healthcare Security Administration", _C, _DEPT,
              "SHGOV", "310000", "11", "35069402", "上海市静安区梅园路77号",
              "021-62258000", ("邓慧敏", "021-62258001"), ("冯俊", "021-62258002")),
    AgencyRow("PDGOV", "浦东新区人民政府", "浦东新区政府", "Pudong New Area People's Government", _D, _GOV, "SHGOV",
              "310115", "11", "00242501", "上海市浦东新区世纪大道2001号", "021-12345",
              ("蒋文华", "021-28282001"), ("谢振宇", "021-28282002")),
    AgencyRow("PDSCJ", "浦东新区市场监督管理局", "浦东市场监管局", "Pudong Administration for Market Regulation", _D,
              _DEPT, "PDGOV", "310115", "11", "00242560", "上海市浦东新区合欢路2号浦东新区市民中心",
              "021-68541000", ("韦立新", "021-68541001"), ("宋嘉诚", "021-68541002")),
    AgencyRow("PDMZJ", "浦东新区民政局", "浦东民政局", "Pudong Civil Affairs Bureau", _D, _DEPT, "PDGOV", "310115",
              "11", "00242520", "上海市浦东新区浦东大道141号", "021-58781000",
              ("陆雪梅", "021-58781001"), ("叶明", "021-58781002")),
    AgencyRow("PDJYJ", "浦东新区教育局", "浦东教育局", "Pudong Education Bureau", _D, _DEPT, "PDGOV", "310115",
              "11", "00242530", "上海市浦东新区锦绣路1799号", "021-68541588",
              ("潘晓燕", "021-68541501"), ("杜宏", "021-68541502")),
    AgencyRow("PDLJZ", "陆家嘴街道办事处", "陆家嘴街道", "Lujiazui Subdistrict Office", _S, _GOV, "PDGOV", "310115004",
              "11", "00242591", "上海市浦东新区崂山路571号", "021-58871000",
              ("袁丽", "021-58871001"), ("范志强", "021-58871002")),
    AgencyRow("PDLJZ-SQ", "陆家嘴街道社区事务受理服务中心", "陆家嘴社区事务受理中心",
              "Lujiazui Community Affairs Service Center", _S, _CENTRE, "PDLJZ", "310115004", "12", "42508821",
              "上海市浦东新区崂山路581号", "021-58879900", ("胡婷婷", "021-58879901"), ("邵杰", "021-58879902")),
    AgencyRow("PDLJZ-MY", "梅园一村居民委员会", "梅园一村居委会", "Meiyuan No.1 Residents' Committee", _V, _COMMITTEE,
              "PDLJZ", "310115004001", "55", "50210033", "上海市浦东新区张杨路500弄1号",
              "021-58870301", ("程秀英", "021-58870302"), ("傅磊", "021-58870303")),
    AgencyRow("HPGOV", "黄浦区人民政府", "黄浦区政府", "Huangpu District People's Government", _D, _GOV, "SHGOV",
              "310101", "11", "00242101", "上海市黄浦区延安东路300号", "021-12345",
              ("高文杰", "021-33134001"), ("孟庆华", "021-33134002")),
    AgencyRow("HPMZJ", "黄浦区民政局", "黄浦民政局", "Huangpu Civil Affairs Bureau", _D, _DEPT, "HPGOV", "310101",
              "11", "00242120", "上海市黄浦区瞿溪路1111号", "021-63125000",
              ("秦玉兰", "021-63125001"), ("江海", "021-63125002")),
    AgencyRow("HPSCJ", "黄浦区市场监督管理局", "黄浦市场监管局", "Huangpu Administration for Market Regulation", _D,
              _DEPT, "HPGOV", "310101", "11", "00242160", "上海市黄浦区西藏南路758号",
              "021-63870000", ("严晓红", "021-63870001"), ("彭涛", "021-63870002")),
    AgencyRow("HPNJDL", "南京东路街道办事处", "南京东路街道", "East Nanjing Road Subdistrict Office", _S, _GOV, "HPGOV",
              "310101002", "11", "00242191", "上海市黄浦区贵州路100号", "021-63228000",
              ("夏雯", "021-63228001"), ("汤俊", "021-63228002")),
    AgencyRow("HPNJDL-SQ", "南京东路街道社区事务受理服务中心", "南京东路社区事务受理中心",
              "East Nanjing Road Community Affairs Service Center", _S, _CENTRE, "HPNJDL", "310101002", "12",
              "42508131", "上海市黄浦区天津路120号", "021-63229900",
              ("余佳", "021-63229901"), ("任伟", "021-63229902")),
    AgencyRow("XHGOV", "徐汇区人民政府", "徐汇区政府", "Xuhui District People's Government", _D, _GOV, "SHGOV",
              "310104", "11", "00242401", "上海市徐汇区漕溪北路336号", "021-12345",
              ("方敏", "021-64872001"), ("石磊", "021-64872002")),
    AgencyRow("XHSCJ", "徐汇区市场监督管理局", "徐汇市场监管局", "Xuhui Administration for Market Regulation", _D,
              _DEPT, "XHGOV", "310104", "11", "00242460", "上海市徐汇区南宁路969号", "021-64878000",
              ("姚丽娜", "021-64878001"), ("邱晨", "021-64878002")),
)

ROWS_BY_CODE = {row.code: row for row in AGENCIES}


def create_agencies() -> dict[str, Agency]:
    """Create the tree top-down (each row validated like an admin form would) and return it by code."""
    created: dict[str, Agency] = {}
    for row in AGENCIES:
        agency = Agency(
            code=row.code, uscc=row.uscc, name=row.name, name_en=row.name_en, short_name=row.short_name,
            level=row.level, kind=row.kind, parent=created[row.parent] if row.parent else None,
            region_code=row.region_code,
            business_lead_name=row.business_lead[0], business_lead_phone=row.business_lead[1],
            technical_lead_name=row.technical_lead[0], technical_lead_phone=row.technical_lead[1],
        )
        agency.full_clean()
        agency.save()
        created[row.code] = agency
    return created
