"""The life-event form (一件事, ITEM-11). It only parses input; ``save_life_event`` checks the role and the minimums.

Items are entered as implementation codes, one per line in handling order, and
situations as ``code|label`` lines: both are short lists an operator copies from
the catalogue and the policy document, and text keeps their order visible.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.agencies.models import Agency
from tongban.catalogue.models import LifeEvent
from tongban.catalogue.models.choices import LifeEventKind
from tongban.workbench.forms.base import WorkbenchForm

# The code appears in the portal's URL (/life-events/<code>/), so it is kept to URL-safe characters.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
SITUATION_SEPARATOR = "|"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class LifeEventForm(WorkbenchForm):
    """Every field of a life event; on edit the code is fixed, because the code is how the event is found."""

    code = forms.CharField(label=_("编号"), max_length=32, help_text=_("字母、数字、短横线或下划线，例如 LE-NEWBORN"))
    name = forms.CharField(label=_("名称"), max_length=120)
    name_en = forms.CharField(label=_("英文名称"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=LifeEventKind.choices)
    lead_agency = forms.ModelChoiceField(label=_("牵头单位"), queryset=Agency.objects.order_by("path"))
    promised_limit_working_days = forms.IntegerField(label=_("承诺时限（工作日）"), min_value=0, max_value=3650)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}))
    item_codes = forms.CharField(
        label=_("包含的事项"),
        widget=forms.Textarea(attrs={"rows": 5, "class": "code", "spellcheck": "false"}),
        help_text=_("每行一个实施编码，按办理顺序排列。企业一件事至少3个事项。"),
    )
    situations = forms.CharField(
        label=_("办理情形"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_("每行一种情形，格式：编号|说明，例如 LOCAL|父母一方为本市户籍。个人一件事至少3种情形。"),
    )
    is_published = forms.BooleanField(label=_("在门户发布"), required=False)

    def __init__(self, *args: Any, event: LifeEvent | None = None, **kwargs: Any) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(event)
        super().__init__(*args, **kwargs)
        self.event = event
        if event is not None:
            # A changed code would make the service create a second event instead of editing this one.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("编号创建后不可修改")

    @staticmethod
    def initial_from(event: LifeEvent) -> dict[str, Any]:
        """The form's values for a stored event (items in handling order)."""
        codes = [entry.item.implementation_code for entry in event.entries.select_related("item").order_by("position")]
        situations = [
            f"{situation.get('code', '')}{SITUATION_SEPARATOR}{situation.get('label', '')}"
            for situation in event.situations
        ]
        return {
            "code": event.code, "name": event.name, "name_en": event.name_en, "kind": event.kind,
            "lead_agency": event.lead_agency_id, "promised_limit_working_days": event.promised_limit_working_days,
            "description": event.description, "item_codes": "\n".join(codes), "situations": "\n".join(situations),
            "is_published": event.is_published,
        }

    def clean_code(self) -> str:
        """URL-safe characters only; a new event may not take an existing event's code."""
        code = self.cleaned_data["code"].strip()
        if not CODE_PATTERN.match(code):
            raise forms.ValidationError(_("编号只能包含字母、数字、短横线和下划线"), code="code_format")
        # The service saves by code (update or create), so reusing a code here would overwrite the other event.
        if self.event is None and LifeEvent.objects.filter(code=code).exists():
            raise forms.ValidationError(_("编号 %(code)s 已被其他一件事使用"), params={"code": code}, code="code_taken")
        return code

    def clean_item_codes(self) -> list[str]:
        """The implementation codes in order; an item listed twice is a typing slip, not a second step."""
        codes = [code.upper() for code in _lines(self.cleaned_data["item_codes"])]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise forms.ValidationError(
                _("事项重复：%(codes)s"), params={"codes": "、".join(repeated)}, code="item_repeated"
            )
        return codes

    def clean_situations(self) -> list[dict[str, str]]:
        """``[{"code", "label"}]`` from ``code|label`` lines; each code once."""
        situations: list[dict[str, str]] = []
        for number, line in enumerate(_lines(self.cleaned_data["situations"]), start=1):
            code, separator, label = (part.strip() for part in line.partition(SITUATION_SEPARATOR))
            if not separator or not code or not label:
                raise forms.ValidationError(
                    _("第%(number)s行应为“编号|说明”"), params={"number": number}, code="situation_format"
                )
            if any(situation["code"] == code for situation in situations):
                raise forms.ValidationError(
                    _("情形编号重复：%(code)s"), params={"code": code}, code="situation_repeated"
                )
            situations.append({"code": code, "label": label})
        return situations

    def service_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``catalogue.services.life_events.save_life_event``."""
        data = self.cleaned_data
        return {
            "code": data["code"], "name": data["name"].strip(), "name_en": data["name_en"].strip(),
            "kind": LifeEventKind(data["kind"]), "description": data["description"].strip(),
            "lead_agency": data["lead_agency"], "item_codes": data["item_codes"], "situations": data["situations"],
            "promised_limit_working_days": data["promised_limit_working_days"], "publish": data["is_published"],
        }
