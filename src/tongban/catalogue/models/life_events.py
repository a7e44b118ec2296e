"""Life events (一件事, ITEM-11): bundles of items across agencies handled as one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models.choices import LifeEventKind
from tongban.catalogue.models.items import ServiceItem


class LifeEvent(models.Model):
    """A life event: one notice, one form, one set of materials, one acceptance across several items.

    ``situations`` lists the situations the event distinguishes (``[{"code", "label"}]``);
    personal events need at least three, enterprise events at least three items
    (checked by the catalogue service that saves them).
    """

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=LifeEventKind.choices)
    description = models.TextField(_("说明"))
    situations = models.JSONField(_("情形"), default=list)
    lead_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="life_events"
    )
    promised_limit_working_days = models.PositiveIntegerField(_("承诺时限（工作日）"))
    is_published = models.BooleanField(_("已发布"), default=False)
    items: models.ManyToManyField[ServiceItem, LifeEventItem] = models.ManyToManyField(
        ServiceItem, through="LifeEventItem", related_name="life_events"
    )

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LifeEventItem(models.Model):
    """An item inside a life event, in handling order."""

    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="life_event_entries")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["life_event_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["life_event", "item"], name="catalogue_event_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.life_event} · {self.item}"
