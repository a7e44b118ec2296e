"""CASE-5: who may open a material — the holder, and staff of an agency handling a case that uses it (audited)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.cases.document_files import PDF_BYTES, case_using, stored_files, uploaded
from tests.factories import AgencyFactory, staff
from tests.identity.enterprise_builders import delegate, member, registered
from tests.identity.factories import PersonFactory
from tongban.cases.errors import DocumentError
from tongban.cases.models import CaseState, Channel, Document, DocumentVersion
from tongban.cases.services import documents
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import StaffRole

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def version():
    """A PDF in an applicant's library."""
    return documents.store_upload(PersonFactory(level=2), uploaded("身份证.pdf", PDF_BYTES), title="居民身份证")


def _viewed() -> int:
    return AuditEvent.objects.filter(action="cases.document.viewed").count()


def _refused(viewer, version) -> None:
    before = (_viewed(), AuditEvent.objects.count())
    with pytest.raises(TongbanError) as caught:
        documents.open_version(viewer, version)
    assert caught.value.error is DocumentError.ACCESS_DENIED
    assert caught.value.message == "材料不存在，或您无权查看"
    assert (_viewed(), AuditEvent.objects.count()) == before


def _refused_change(media_root, call, error: DocumentError) -> None:
    before = (Document.objects.count(), DocumentVersion.objects.count(), AuditEvent.objects.count(),
              stored_files(media_root))
    with pytest.raises(TongbanError) as caught:
        call()
    assert caught.value.error is error
    assert (Document.objects.count(), DocumentVersion.objects.count(), AuditEvent.objects.count(),
            stored_files(media_root)) == before


def test_case_5_the_owner_opens_their_own_material_without_an_audit_event(version):
    """CASE-5: the holder reads their own file; only staff reads are audited."""
    # Given / When the owner opens the version
    before = AuditEvent.objects.count()
    with documents.open_version(version.document.owner.user, version) as opened:
        content = opened.read()

    # Then the stored bytes come back and no event is written
    assert content == PDF_BYTES
    assert AuditEvent.objects.count() == before


def test_case_5_anonymous_and_other_applicants_are_refused(version):
    """CASE-5: nobody but the holder and the handling staff reads a material."""
    _refused(None, version)
    _refused(AnonymousUser(), version)
    _refused(PersonFactory(level=2).user, version)


@pytest.mark.parametrize("role", [
    StaffRole.CASE_OFFICER, StaffRole.APPROVER, StaffRole.COUNTER_STAFF, StaffRole.AGENCY_ADMIN,
])
def test_case_5_staff_of_the_handling_agency_open_the_material_and_the_read_is_audited(version, role):
    """CASE-5 (and the personal-data rule): every staff read of a material leaves an audit event."""
    # Given a submitted case of the handling bureau that uses the version
    bureau = AgencyFactory(name="上海市公安局")
    case = case_using(version, bureau)
    reader = staff(role, bureau)

    # When a member of its staff opens the material
    with documents.open_version(reader, version) as opened:
        content = opened.read()

    # Then the bytes come back and the read is in the audit log, for that agency and case
    assert content == PDF_BYTES
    event = AuditEvent.objects.get(action="cases.document.viewed")
    assert (event.actor_id, event.agency_id, event.object_id) == (reader.pk, bureau.pk, str(version.pk))
    assert (event.data["case"], event.data["owner_id"]) == (case.number, version.document.owner_id)


def test_case_5_staff_of_a_parent_agency_are_covered_and_the_accepting_window_too(version):
    """CASE-5 with ITEM-13: a role at the agency above covers it; the street window that accepted the case reads."""
    # Given a case handled by a bureau under the city and accepted at a street window
    city = AgencyFactory(name="上海市人民政府")
    bureau = AgencyFactory(name="上海市公安局", parent=city)
    street = AgencyFactory(name="陆家嘴街道社区事务受理服务中心")
    case_using(version, bureau, accepting_agency=street)

    # When the city's case officer and the street's counter clerk open it
    documents.open_version(staff(StaffRole.CASE_OFFICER, city), version).close()
    documents.open_version(staff(StaffRole.COUNTER_STAFF, street), version).close()

    # Then both reads are audited, each with the agency it was allowed through
    agencies = list(AuditEvent.objects.filter(action="cases.document.viewed").values_list("agency_id", flat=True))
    assert agencies == [bureau.pk, street.pk]


def test_case_5_staff_of_another_agency_or_role_or_without_a_case_are_refused(version):
    """CASE-5: the right role at the right agency, through a case that uses this very version."""
    # Given a case of the bureau that uses the version
    bureau = AgencyFactory(name="上海市公安局")
    case_using(version, bureau)

    # When staff of another agency, a supervisor at the bureau, or staff with no case of it try to open it
    # Then each is refused and nothing is audited
    _refused(staff(StaffRole.CASE_OFFICER, AgencyFactory(name="上海市民政局")), version)
    _refused(staff(StaffRole.SUPERVISOR, bureau), version)
    other = documents.store_upload(version.document.owner, uploaded("b.pdf", PDF_BYTES + b"b"), title="另一份")
    _refused(staff(StaffRole.CASE_OFFICER, bureau), other)


def test_case_5_a_draft_online_is_not_the_agencys_to_read_but_a_counter_draft_is(version):
    """CASE-5: materials of an online draft stay private until submitted; a draft filed at the counter is not."""
    # Given an online draft of the bureau
    bureau = AgencyFactory(name="上海市公安局")
    case_using(version, bureau, state=CaseState.DRAFT)
    officer = staff(StaffRole.CASE_OFFICER, bureau)

    # When its officer tries to open the material, they are refused
    _refused(officer, version)

    # And once a counter draft of the same bureau uses it, the counter's clerk reads it
    street = AgencyFactory(name="街道受理中心")
    case_using(version, bureau, state=CaseState.DRAFT, channel=Channel.COUNTER, accepting_agency=street)
    documents.open_version(staff(StaffRole.COUNTER_STAFF, street), version).close()
    assert _viewed() == 1


def test_case_5_an_enterprise_material_is_read_by_active_members_only():
    """CASE-5 with ID-4: the enterprise's members read its materials; a revoked member no longer does."""
    # Given an enterprise material and an administrator the representative granted
    from tongban.identity.services import enterprises

    representative, enterprise, root = registered()
    version = documents.store_upload(representative, uploaded("执照.pdf", PDF_BYTES), title="营业执照",
                                     enterprise=enterprise)
    admin_grant = delegate(representative, root)

    # When the administrator opens it, it opens
    documents.open_version(admin_grant.person.user, version).close()

    # Then after the grant is revoked, they are refused
    enterprises.revoke(representative, admin_grant, "离职")
    _refused(admin_grant.person.user, version)

def test_case_5_an_enterprise_library_is_shared_by_its_members_and_closed_to_others(media_root):
    """CASE-5 with ID-4: acting for an enterprise, a member files into and reads the enterprise's library."""
    # Given an enterprise, its legal representative, and an outsider
    representative, enterprise, _root = registered()
    outsider = member()

    # When the representative uploads for the enterprise
    version = documents.store_upload(representative, uploaded("licence.pdf", PDF_BYTES), title="营业执照",
                                     material_name="营业执照", enterprise=enterprise)

    # Then it is in the enterprise's library, not in the representative's own
    assert list(documents.library(representative, enterprise=enterprise)) == [version.document]
    assert list(documents.library(representative)) == []
    assert documents.reusable_for(representative, "营业执照", today=TODAY, enterprise=enterprise) == [version.document]
    # And the outsider can neither read nor file into it
    with pytest.raises(TongbanError) as caught:
        documents.library(outsider, enterprise=enterprise)
    assert caught.value.error is DocumentError.NOT_ENTERPRISE_MEMBER
    _refused_change(media_root, lambda: documents.store_upload(
        outsider, uploaded("other.pdf", PDF_BYTES + b"o"), title="x", enterprise=enterprise),
        DocumentError.NOT_ENTERPRISE_MEMBER)
    _refused_change(media_root, lambda: documents.add_version(
        outsider, version.document, uploaded("other.pdf", PDF_BYTES + b"o")), DocumentError.NOT_YOURS)
