"""Life events as one application with sub-cases per agency (ITEM-11, CASE-1)."""

from __future__ import annotations

import pytest

from tests.cases.builders import FORM, SCHEMA, upload
from tests.factories import AgencyFactory, published_item
from tests.identity.factories import PersonFactory
from tongban.agencies.models import AgencyKind
from tongban.cases.models import Case, CaseState, Channel
from tongban.cases.services import life_events
from tongban.catalogue.models.choices import LifeEventKind
from tongban.catalogue.services.life_events import save_life_event
from tongban.core.errors import TongbanError

pytestmark = pytest.mark.django_db


def _event():
    city = AgencyFactory(name="上海市人民政府", kind=AgencyKind.GOVERNMENT)
    health, police, insurance = (AgencyFactory(parent=city) for _ in range(3))
    items = [published_item(agency, name=name, form_schema=SCHEMA)
             for agency, name in ((health, "出生医学证明"), (police, "新生儿落户"), (insurance, "医保参保登记"))]
    event = save_life_event(
        None, code="BIRTH", name="新生儿出生一件事", kind=LifeEventKind.PERSONAL, description="出生后一次办好",
        lead_agency=city, item_codes=[item.implementation_code for item in items],
        situations=[{"code": c, "label": c} for c in ("S1", "S2", "S3")], promised_limit_working_days=5,
        publish=True,
    )
    return event, items


def test_item_11_one_application_becomes_one_sub_case_per_agency():
    """ITEM-11: one form, one set of materials, one submission; each agency gets its own sub-case."""
    event, items = _event()
    applicant = PersonFactory(level=2)
    main = life_events.start_life_event(applicant.user, event, channel=Channel.PC)
    cases = life_events.bundle(main)
    assert [case.item_id for case in cases] == [item.pk for item in items]
    assert [case.parent_id for case in cases] == [None, main.pk, main.pk]
    life_events.save_bundle(applicant.user, main, form_data=FORM, situation_answers={})
    for name in ("申请表", "居民身份证"):
        assert life_events.attach_to_bundle(applicant.user, main, name, upload(applicant, name)) == 3
    filed = life_events.submit_bundle(applicant.user, main)
    assert [case.state for case in filed] == [CaseState.SUBMITTED] * 3
    assert {case.handling_agency_id for case in filed} == {item.agency_id for item in items}


def test_item_11_a_refusal_leaves_every_sub_case_a_draft():
    """ITEM-11: the bundle is filed together or not at all."""
    event, _items = _event()
    applicant = PersonFactory(level=2)
    main = life_events.start_life_event(applicant.user, event, channel=Channel.PC)
    life_events.save_bundle(applicant.user, main, form_data=FORM)
    with pytest.raises(TongbanError) as refusal:
        life_events.submit_bundle(applicant.user, main)
    assert refusal.value.code == "CASE_MATERIALS_MISSING"
    assert set(Case.objects.values_list("state", flat=True)) == {CaseState.DRAFT}
