"""Keeping the search index in step with the catalogue.

The lifecycle services call :func:`index_item` after every publication or
status change; :func:`rebuild_index` regenerates everything (after an import,
or when segmentation changes). Entries are derived data: dropping them all and
rebuilding loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from tongban.catalogue.models import Material, SearchEntry, ServiceItem
from tongban.catalogue.models.choices import ItemStatus
from tongban.catalogue.search.segment import document_terms

# Suspended items stay listed: their guide stays public with a notice saying why
# they take no applications (ITEM-6); drafts and terminated items are not listed.
LISTED_STATUSES = (ItemStatus.IN_SERVICE, ItemStatus.SUSPENDED)

_BATCH = 500


def listed_items() -> QuerySet[ServiceItem]:
    """Items the public sees: a published guide and a listed status."""
    return ServiceItem.objects.filter(status__in=LISTED_STATUSES, published_version__isnull=False)


def _with_index_data(queryset: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    return queryset.select_related("basic_item", "agency", "published_version").prefetch_related(
        Prefetch("published_version__materials", queryset=Material.objects.only("id", "version_id", "name"))
    )


def _entry_for(item: ServiceItem) -> SearchEntry:
    version = item.published_version
    assert version is not None  # listed_items() only yields published items
    basic = item.basic_item
    agency = item.agency
    names = [basic.name, item.business_unit, basic.name_en]
    document = document_terms(
        [
            *names,
            agency.name,
            agency.short_name,
            agency.name_en,
            version.conditions,
            *(material.name for material in version.materials.all()),
            version.result_name,
        ]
    )
    # Codes are appended whole: they are single tokens to both engines, so a pasted code finds its item.
    codes = f"{basic.basic_code} {item.implementation_code}".lower()
    return SearchEntry(
        item=item,
        version=version,
        implementation_code=item.implementation_code,
        title=item.name,
        title_terms=document_terms(names),
        document=f"{document} {codes}",
        agency=agency,
        item_type=basic.item_type,
        online_depth=version.online_depth,
        is_citywide=version.is_citywide,
        in_person_trips=version.in_person_trips,
    )


def index_item(item: ServiceItem) -> bool:
    """(Re)index the item's published version; remove its entry when it is no longer listed.

    Reads the item afresh, so a caller's stale instance cannot index old data.
    Returns True when the item is in the index afterwards.
    """
    current = _with_index_data(listed_items()).filter(pk=item.pk).first()
    if current is None:
        remove_item(item.pk)
        return False
    entry = _entry_for(current)
    with transaction.atomic():
        # Delete then insert (rather than UPDATE) keeps one code path for both engines' bookkeeping.
        SearchEntry.objects.filter(pk=item.pk).delete()
        entry.save(force_insert=True)
    return True


def remove_item(item_id: int) -> None:
    """Drop the item from the index (idempotent)."""
    SearchEntry.objects.filter(pk=item_id).delete()


def _bulk_insert(items: Iterable[ServiceItem]) -> int:
    batch: list[SearchEntry] = []
    count = 0
    for item in items:
        batch.append(_entry_for(item))
        if len(batch) >= _BATCH:
            SearchEntry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        SearchEntry.objects.bulk_create(batch)
        count += len(batch)
    return count


@transaction.atomic
def rebuild_index() -> int:
    """Regenerate the whole index from the listed items; returns how many items are indexed."""
    SearchEntry.objects.all().delete()
    items = _with_index_data(listed_items()).order_by("pk").iterator(chunk_size=_BATCH)
    return _bulk_insert(items)
