"""Forms of the applicant's case pages (CASE-1, CASE-3, CASE-5, CASE-8); they shape input, the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.catalogue.models import Material, SituationQuestion
from tongban.portal.enterprise_forms import PortalForm
from tongban.portal.library_forms import ACCEPT, file_help

SITUATION_PREFIX = "s_"


def _file_field(label: Any) -> forms.FileField:
    # Empty files reach the document service, which refuses them with its own code (DOCUMENT_EMPTY).
    return forms.FileField(label=label, allow_empty_file=True, help_text=file_help(),
                           widget=forms.FileInput(attrs={"accept": ACCEPT}))


class SituationForm(PortalForm):
    """The guide's situation questions (办理情形); the answers fix the material list."""

    def __init__(self, *args: Any, questions: list[SituationQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            choices = [(option.code, option.label) for option in question.options.all()]
            field: forms.Field
            if question.allows_several:
                field = forms.MultipleChoiceField(label=question.text, choices=choices, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(label=question.text, choices=choices, widget=forms.RadioSelect)
            self.fields[SITUATION_PREFIX + question.code] = field

    @staticmethod
    def initial_from(answers: dict[str, list[str]]) -> dict[str, Any]:
        """Stored answers as the form's initial values."""
        return {SITUATION_PREFIX + code: chosen if len(chosen) != 1 else chosen[0] for code, chosen in answers.items()}

    def answers(self) -> dict[str, list[str]]:
        """What ``save_draft(situation_answers=...)`` takes: question code → chosen option codes."""
        result: dict[str, list[str]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(SITUATION_PREFIX + question.code)
            chosen = list(value) if isinstance(value, list) else ([value] if value else [])
            if chosen:
                result[question.code] = chosen
        return result


class MaterialUploadForm(PortalForm):
    """A file for one material; it goes into the material library and is attached to the case."""

    file = _file_field(_("选择文件"))
    valid_until = forms.DateField(
        label=_("有效期至（含当日）"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空表示长期有效；有效期内的材料以后申请时可直接复用"),
    )


class ReuseForm(PortalForm):
    """Pick one of the still-valid documents of the library filed under this material's name (CASE-5)."""

    document = forms.TypedChoiceField(label=_("材料库中的材料"), coerce=int)

    def __init__(self, *args: Any, documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {document.pk: document for document in documents}
        cast(forms.ChoiceField, self.fields["document"]).choices = [
            (document.pk, document.title) for document in documents
        ]


class CommitmentForm(PortalForm):
    """Sign the notice-and-commitment (告知承诺, CASE-8) instead of providing the proof."""

    agree = forms.BooleanField(label=_("本人已阅读上述承诺内容，自愿签署"), required=True,
                               error_messages={"required": _("请勾选确认后再签署承诺")})


class CorrectionUploadForm(PortalForm):
    """The corrected file for one item of a correction notice (CASE-3): a new version, the old one kept."""

    file = _file_field(_("更正后的材料"))


class WithdrawForm(PortalForm):
    """Withdraw the application before the decision."""

    reason = forms.CharField(label=_("撤回原因"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    confirm = forms.BooleanField(label=_("确认撤回此申请（撤回后不能恢复）"), required=True,
                                 error_messages={"required": _("请勾选确认撤回")})


def commitment_text(materials: list[Material]) -> str:
    """The commitment the applicant signs, naming every proof it replaces."""
    names = "、".join(f"“{material.name}”" for material in materials)
    return str(_(
        "本人郑重承诺：{names}所证明的事项真实、准确、完整，本人符合本事项的办理条件。"
        "本人知晓承办单位将进行事后核查；如承诺不实，愿意承担相应的法律责任，并接受依法作出的处理。"
    )).format(names=names)
