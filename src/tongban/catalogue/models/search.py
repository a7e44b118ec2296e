"""The search index: one row per publicly listed item, holding its segmented text.

Chinese has no spaces between words, so the text is segmented with rjieba when
the row is written and stored with spaces between the terms; the database's own
full-text engine (SQLite FTS5 or PostgreSQL ``tsvector('simple')``) then only has
to split on spaces. The filter columns are copied from the published version so
a search never joins the guide tables (``tongban.catalogue.search``).

On SQLite an FTS5 table mirrors ``title_terms`` and ``document`` through
triggers on this table (``tongban.catalogue.search.ddl``). A migration that makes
SQLite rebuild this table drops those triggers: such a migration must call
``ddl.install`` again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.choices import ItemType, OnlineDepth
from tongban.catalogue.models.items import ServiceItem
from tongban.catalogue.models.versions import ItemVersion


class SearchEntry(models.Model):
    """The indexed text and filter values of one item's published version (derived data, rebuildable)."""

    item = models.OneToOneField(
        ServiceItem, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="+")
    implementation_code = models.CharField(_("实施编码"), max_length=32, db_index=True)
    title = models.CharField(_("事项名称"), max_length=400)
    title_terms = models.TextField(_("名称分词"))
    document = models.TextField(_("全文分词"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    item_type = models.CharField(_("事项类型"), max_length=24, choices=ItemType.choices, db_index=True)
    online_depth = models.CharField(_("网办深度"), max_length=24, choices=OnlineDepth.choices)
    is_citywide = models.BooleanField(_("全市通办"), default=False)
    in_person_trips = models.PositiveSmallIntegerField(_("到现场次数"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检索索引")
        verbose_name_plural = _("检索索引")
        ordering = ["implementation_code"]

    def __str__(self) -> str:
        return self.title
