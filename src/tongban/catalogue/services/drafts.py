"""Drafts edited by agency admins: the permission-checked entry points to ``guides.save_item_document``."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tongban.agencies.models import Agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.models import ItemVersion, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services import guides
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import Actor, actor_label, require_role


@transaction.atomic
def save_draft(actor: Actor, document: dict[str, Any]) -> ItemVersion:
    """Save an item document as a draft for an agency admin covering the document's agency.

    The role is checked before anything is looked at, so a refusal reveals
    nothing about other agencies' items; an unknown agency is the document's
    own problem and is reported by the guide check.
    """
    agency = Agency.objects.filter(code=str(document.get("agency", ""))).first() if isinstance(document, dict) else None
    if actor is not None:
        require_role(actor, StaffRole.AGENCY_ADMIN, agency)
    return guides.save_item_document(document, actor_label=actor_label(actor))


@transaction.atomic
def start_version(actor: Actor, item: ServiceItem) -> ItemVersion:
    """Copy the published guide into a new draft, to be edited and filed as a change (ITEM-5).

    Refused while a draft exists: a second copy would overwrite unfinished work.
    """
    item = ServiceItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    if actor is not None:
        require_role(actor, StaffRole.AGENCY_ADMIN, item.agency)
    draft = item.versions.filter(state=VersionState.DRAFT).first()
    if draft is not None:
        raise TongbanError(CatalogueError.DRAFT_EXISTS, number=draft.number)
    if item.published_version is None:
        raise TongbanError(CatalogueError.ITEM_NOT_FOUND, code=item.implementation_code)
    document = guides.item_document(item.published_version, with_status=False)
    return guides.save_item_document(document, actor_label=actor_label(actor))
