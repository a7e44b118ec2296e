"""ID-4: enterprise accounts bound to a verified legal representative, and delegation over several levels."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_uscc
from tests.identity.enterprise_builders import (
    CANCELLED_NAME,
    CANCELLED_REPRESENTATIVE_ID,
    CANCELLED_USCC,
    DEMO_NAME,
    DEMO_REPRESENTATIVE_ID,
    DEMO_USCC,
    FOREIGN_NAME,
    FOREIGN_REPRESENTATIVE_PASSPORT,
    FOREIGN_USCC,
    OTHER_REPRESENTATIVE_ID,
    delegate,
    member,
    registered,
    snapshot,
    three_levels,
)
from tests.identity.factories import PersonFactory
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.models import DocumentType, Enterprise, EnterpriseGrant, GrantRole, GrantScope
from tongban.identity.services import enterprises

pytestmark = pytest.mark.django_db

TYPES, ITEMS = GrantScope.ITEM_TYPES, GrantScope.ITEMS
CATALOGUE = {"A1": "licensing", "A2": "licensing", "F1": "filing"}


def test_id_4_registration_binds_the_enterprise_to_its_verified_legal_representative():
    """ID-4: the registry names this person (matched by document hash): enterprise and root grant are created."""
    # given a level-2 person whose ID number the legal-person registry lists for the demo enterprise
    person = PersonFactory(level=2, document=DEMO_REPRESENTATIVE_ID)
    # when they register it, with spaces and lower case in the USCC as people type it
    enterprise = enterprises.register_enterprise(person, " 91310000ma1fl0001r ", DEMO_NAME)
    # then the enterprise is bound to them, with one root grant over all items and no expiry
    assert (enterprise.uscc, enterprise.name, enterprise.legal_representative_id) == (DEMO_USCC, DEMO_NAME, person.pk)
    assert enterprise.registry_reference.startswith("LPR-")
    root = EnterpriseGrant.objects.get(enterprise=enterprise)
    assert (root.person_id, root.role, root.scope, root.scope_values, root.parent_id, root.expires_at) == (
        person.pk, GrantRole.LEGAL_REPRESENTATIVE, GrantScope.ALL_ITEMS, [], None, None
    )
    event = AuditEvent.objects.get(action="identity.enterprise.registered")
    assert (event.actor_id, event.object_id, event.data["acting_for"], event.data["grant_id"]) == (
        person.user_id, str(enterprise.pk), DEMO_USCC, root.pk
    )


def test_id_4_a_foreign_legal_representative_registers_with_a_passport():
    """ID-4 with ID-3: the registry's document number is compared under the person's own document type."""
    person = PersonFactory(level=2, document=(DocumentType.PASSPORT, FOREIGN_REPRESENTATIVE_PASSPORT))
    enterprise = enterprises.register_enterprise(person, FOREIGN_USCC, FOREIGN_NAME)
    assert enterprise.legal_representative_id == person.pk


@pytest.mark.parametrize(
    ("document", "level", "uscc", "name", "code"),
    [
        (DEMO_REPRESENTATIVE_ID, 2, "91310000MA1FL0001X", DEMO_NAME, "CORE_USCC_CHECKSUM"),
        (DEMO_REPRESENTATIVE_ID, 2, "91310000MA1FL0001", DEMO_NAME, "CORE_USCC_FORMAT"),
        (DEMO_REPRESENTATIVE_ID, 2, make_uscc(424242), DEMO_NAME, "IDENTITY_ENTERPRISE_UNKNOWN"),
        (OTHER_REPRESENTATIVE_ID, 2, DEMO_USCC, DEMO_NAME, "IDENTITY_NOT_LEGAL_REPRESENTATIVE"),
        (DEMO_REPRESENTATIVE_ID, 2, DEMO_USCC, "上海通办科技有限公司", "IDENTITY_ENTERPRISE_NAME_MISMATCH"),
        (DEMO_REPRESENTATIVE_ID, 2, DEMO_USCC, "  ", "IDENTITY_ENTERPRISE_NAME_REQUIRED"),
        (CANCELLED_REPRESENTATIVE_ID, 2, CANCELLED_USCC, CANCELLED_NAME, "IDENTITY_ENTERPRISE_NOT_ACTIVE"),
        ("", 1, DEMO_USCC, DEMO_NAME, "IDENTITY_ENTERPRISE_LEVEL_REQUIRED"),
    ],
    ids=["checksum", "format", "unknown", "not-legal-representative", "name", "no-name", "cancelled", "level-1"],
)
def test_id_4_registration_refusals_create_nothing(document, level, uscc, name, code):
    """ID-4: bad USCC, unknown or inactive enterprise, wrong person, low level: refused, nothing created."""
    # given a person (the legal representative of another enterprise, for the not-legal-representative case)
    person = PersonFactory(level=level, document=document)
    before = snapshot()
    # when they try to register
    with pytest.raises(TongbanError) as refusal:
        enterprises.register_enterprise(person, uscc, name)
    # then the reason is given and nothing was made
    assert refusal.value.code == code
    assert snapshot() == before


def test_id_4_the_legal_representative_is_matched_by_document_never_by_name():
    """ID-4: someone with the registered representative's name but another ID number is refused."""
    namesake = member(full_name="张伟")
    with pytest.raises(TongbanError) as refusal:
        enterprises.register_enterprise(namesake, DEMO_USCC, DEMO_NAME)
    assert refusal.value.code == "IDENTITY_NOT_LEGAL_REPRESENTATIVE"
    assert Enterprise.objects.count() == 0


def test_id_4_an_enterprise_is_registered_once_and_an_unreachable_registry_is_reported(settings):
    """ID-4: a second registration of the same USCC and a registry outage are refused and change nothing."""
    representative, _enterprise, _root = registered()
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.register_enterprise(representative, DEMO_USCC, DEMO_NAME)
    assert refusal.value.code == "IDENTITY_ENTERPRISE_ALREADY_REGISTERED"
    settings.TONGBAN_REGISTRY_SANDBOX_FAILURE = "unavailable"
    other = PersonFactory(level=2, document=OTHER_REPRESENTATIVE_ID)
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.register_enterprise(other, "91310115MA1HB00029", "上海浦江贸易有限公司")
    assert refusal.value.code == "IDENTITY_ENTERPRISE_REGISTRY_UNAVAILABLE"
    assert snapshot() == before


def test_id_4_three_levels_of_delegation_each_recorded_with_the_enterprise():
    """ID-4: legal representative → administrator → operator; each grant names its parent and its granter."""
    chain = three_levels()
    assert [(grant.role, grant.parent_id) for grant in EnterpriseGrant.objects.order_by("pk")] == [
        (GrantRole.LEGAL_REPRESENTATIVE, None),
        (GrantRole.ADMINISTRATOR, chain.root.pk),
        (GrantRole.OPERATOR, chain.admin_grant.pk),
    ]
    assert (chain.admin_grant.granted_by_label, chain.operator_grant.granted_by_label) == ("法定代表人", "管理员")
    events = AuditEvent.objects.filter(action="identity.grant.created").order_by("pk")
    assert [(event.actor_id, event.data["acting_for"], event.data["grant_id"]) for event in events] == [
        (chain.representative.user_id, DEMO_USCC, chain.root.pk),
        (chain.administrator.user_id, DEMO_USCC, chain.admin_grant.pk),
    ]
    # the operator can act within the scope it was given
    enterprises.authorise(chain.operator_grant, "A1", "licensing")


@pytest.mark.parametrize(
    ("granter", "role"),
    [("representative", GrantRole.OPERATOR), ("administrator", GrantRole.ADMINISTRATOR),
     ("operator", GrantRole.OPERATOR), ("representative", GrantRole.LEGAL_REPRESENTATIVE)],
)
def test_id_4_each_level_grants_only_the_level_below(granter, role):
    """ID-4: legal representatives grant administrators, administrators operators, operators nothing."""
    chain = three_levels()
    actor = getattr(chain, granter)
    held = {"representative": chain.root, "administrator": chain.admin_grant, "operator": chain.operator_grant}[granter]
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.grant(actor, held, member().phone, role, GrantScope.ALL_ITEMS)
    assert refusal.value.code == "IDENTITY_GRANT_ROLE_NOT_ALLOWED"
    assert snapshot()[2] == before[2]


@pytest.mark.parametrize(
    ("admin_scope", "operator_scope", "code"),
    [
        ((TYPES, ["licensing"]), (TYPES, ["licensing"]), None),
        ((TYPES, ["licensing"]), (ITEMS, ["A1", "A2"]), None),
        ((TYPES, ["licensing"]), (TYPES, ["licensing", "filing"]), "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((TYPES, ["licensing"]), (ITEMS, ["F1"]), "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((TYPES, ["licensing"]), (ITEMS, ["NOPE"]), "IDENTITY_GRANT_ITEM_UNKNOWN"),
        ((ITEMS, ["A1"]), (GrantScope.ALL_ITEMS, []), "IDENTITY_GRANT_WIDER_THAN_PARENT"),
        ((ITEMS, ["A1"]), (ITEMS, ["A1", "A2"]), "IDENTITY_GRANT_WIDER_THAN_PARENT"),
    ],
)
def test_id_4_a_grant_never_exceeds_the_granters_own_scope(admin_scope, operator_scope, code):
    """ID-4: the administrator's scope bounds what they delegate; a wider grant is refused and changes nothing."""
    representative, _enterprise, root = registered()
    administrator = member()
    admin_grant = delegate(representative, root, administrator, scope=admin_scope[0], values=admin_scope[1])
    before = snapshot()
    if code is None:
        operator_grant = delegate(administrator, admin_grant, scope=operator_scope[0], values=operator_scope[1],
                                  item_type_of=CATALOGUE.get)
        assert (operator_grant.scope, operator_grant.scope_values) == operator_scope
        return
    with pytest.raises(TongbanError) as refusal:
        delegate(administrator, admin_grant, scope=operator_scope[0], values=operator_scope[1],
                 item_type_of=CATALOGUE.get)
    assert refusal.value.code == code
    assert snapshot() == before


def test_id_4_expiry_is_capped_by_the_parents_expiry():
    """ID-4: an expiry after the parent's, none under an expiring parent, or in the past is refused."""
    representative, _enterprise, root = registered()
    administrator = member()
    in_30_days = timezone.now() + datetime.timedelta(days=30)
    admin_grant = delegate(representative, root, administrator, expires_at=in_30_days)
    before = snapshot()
    for expires_at, code in [
        (in_30_days + datetime.timedelta(seconds=1), "IDENTITY_GRANT_EXPIRY_AFTER_PARENT"),
        (None, "IDENTITY_GRANT_EXPIRY_AFTER_PARENT"),
        (timezone.now() - datetime.timedelta(minutes=1), "IDENTITY_GRANT_EXPIRY_IN_PAST"),
    ]:
        with pytest.raises(TongbanError) as refusal:
            delegate(administrator, admin_grant, expires_at=expires_at)
        assert refusal.value.code == code
    assert snapshot() == before
    # the parent's own expiry is the latest allowed
    assert delegate(administrator, admin_grant, expires_at=in_30_days).expires_at == in_30_days


@pytest.mark.parametrize(
    ("grantee", "code"),
    [("unknown", "IDENTITY_GRANTEE_UNKNOWN"), ("level-1", "IDENTITY_ENTERPRISE_LEVEL_REQUIRED"),
     ("self", "IDENTITY_GRANT_TO_SELF"), ("twice", "IDENTITY_GRANT_DUPLICATE")],
)
def test_id_4_the_grantee_must_be_another_verified_person_not_yet_granted(grantee, code):
    """ID-4: unknown, unverified, self and duplicate grantees are refused and change nothing."""
    representative, _enterprise, root = registered()
    already = member()
    delegate(representative, root, already)
    target = {
        "unknown": "13912345678", "level-1": PersonFactory(level=1).phone,
        "self": representative.phone, "twice": already.phone,
    }[grantee]
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.grant(representative, root, target, GrantRole.ADMINISTRATOR, GrantScope.ALL_ITEMS)
    assert refusal.value.code == code
    assert snapshot() == before


def test_id_4_the_grantee_is_found_by_document_number_as_well_as_phone():
    """ID-4: the granter may name the grantee by ID number (looked up by keyed hash)."""
    representative, _enterprise, root = registered()
    grantee = PersonFactory(level=2, document="110101199001011237")
    created = enterprises.grant(
        representative, root, "110101 19900101 1237", GrantRole.ADMINISTRATOR, GrantScope.ALL_ITEMS
    )
    assert created.person_id == grantee.pk


def test_id_4_revoking_a_grant_revokes_everything_granted_under_it():
    """ID-4: the legal representative revokes an administrator: the administrator's operators go with it."""
    chain = three_levels()
    second_operator = delegate(chain.administrator, chain.admin_grant)
    other_admin = delegate(chain.representative, chain.root)
    untouched_operator = delegate(other_admin.person, other_admin)
    revoked = enterprises.revoke(chain.representative, chain.admin_grant, "  离职  ")
    assert revoked == [chain.admin_grant.pk, chain.operator_grant.pk, second_operator.pk]
    assert set(EnterpriseGrant.objects.filter(revoked_at__isnull=False).values_list("pk", "revoked_reason")) == {
        (chain.admin_grant.pk, "离职"), (chain.operator_grant.pk, "离职"), (second_operator.pk, "离职"),
    }
    assert set(EnterpriseGrant.objects.active().values_list("pk", flat=True)) == {
        chain.root.pk, other_admin.pk, untouched_operator.pk
    }
    event = AuditEvent.objects.get(action="identity.grant.revoked")
    assert (event.data["revoked_ids"], event.data["acting_for"], event.data["reason"]) == (revoked, DEMO_USCC, "离职")


def test_id_4_an_administrator_revokes_their_operator_and_a_revoked_grant_stays_revoked():
    """ID-4: an administrator revokes an operator they appointed; revoking it again is refused."""
    chain = three_levels()
    assert enterprises.revoke(chain.administrator, chain.operator_grant, "调岗") == [chain.operator_grant.pk]
    before = snapshot()
    with pytest.raises(TongbanError) as refusal:
        enterprises.revoke(chain.administrator, chain.operator_grant, "再次撤销")
    assert refusal.value.code == "IDENTITY_GRANT_REVOKED"
    with pytest.raises(TongbanError) as refusal:
        enterprises.revoke(chain.representative, chain.admin_grant, "   ")
    assert refusal.value.code == "IDENTITY_REVOKE_REASON_REQUIRED"
    assert snapshot() == before
