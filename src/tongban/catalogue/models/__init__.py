"""Catalogue models, one file per aggregate; import them from here."""

from tongban.catalogue.models.choices import *  # noqa: F403
from tongban.catalogue.models.items import BasicItem, ServiceItem
from tongban.catalogue.models.life_events import LifeEvent, LifeEventItem
from tongban.catalogue.models.lifecycle import (
    Announcement,
    AnnouncementKind,
    LifecycleRequest,
    RequestKind,
    RequestState,
    RequestStep,
)
from tongban.catalogue.models.search import SearchEntry
from tongban.catalogue.models.versions import ItemVersion, Material, SituationOption, SituationQuestion

__all__ = [
    "Announcement",
    "AnnouncementKind",
    "BasicItem",
    "ItemVersion",
    "LifeEvent",
    "LifeEventItem",
    "LifecycleRequest",
    "Material",
    "RequestKind",
    "RequestState",
    "RequestStep",
    "SearchEntry",
    "ServiceItem",
    "SituationOption",
    "SituationQuestion",
]
