"""Bulk import and export of guides in the exchange format (``tongban.catalogue/1``).

An import is all or nothing: the whole file is checked first – its JSON, its
top level, every item (``check_item_document``) and clashes between items of
the same file – and any problem refuses the import with
:class:`~tongban.core.errors.ValidationProblems` (code ``CATALOGUE_GUIDE_INVALID``)
listing every problem with its JSON path. Only a clean file is written, in one
transaction, each item as a draft version that the agency then files through
the lifecycle. ``docs/catalogue-format.md`` describes the format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.agencies.models import Agency
from tongban.agencies.services import require_same_agency
from tongban.catalogue.errors import CatalogueError
from tongban.catalogue.guide_format import DOCUMENT_SCHEMA, FORMAT_NAME
from tongban.catalogue.models import ItemVersion, ServiceItem
from tongban.catalogue.models.choices import VersionState
from tongban.catalogue.services.guides import check_item_document, item_document, save_item_document
from tongban.core import audit
from tongban.core.errors import ErrorCode, TongbanError, ValidationProblems
from tongban.identity.models import StaffRole, User
from tongban.identity.services import holds_role, require_role

# The top level only: items are checked one by one so each problem carries its item's path once.
_TOP_LEVEL_VALIDATOR = jsonschema.Draft202012Validator(
    {**DOCUMENT_SCHEMA, "properties": {**DOCUMENT_SCHEMA["properties"], "items": {"type": "array"}}}
)
_CHUNK = 500


@dataclass(frozen=True)
class ImportReport:
    """What a successful import wrote."""

    items: int
    new_items: int
    new_drafts: int
    replaced_drafts: int
    implementation_codes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON body the API answers with."""
        return {
            "items": self.items,
            "new_items": self.new_items,
            "new_drafts": self.new_drafts,
            "replaced_drafts": self.replaced_drafts,
            "implementation_codes": list(self.implementation_codes),
        }


def _problem(path: str, error: ErrorCode, **params: Any) -> dict[str, Any]:
    return {"path": path, "code": error.code, "message": error.format(**params)}


def parse_document(data: dict[str, Any] | str | bytes) -> Any:
    """The decoded JSON; a syntax error refuses with its line and column."""
    if isinstance(data, dict):
        return data
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")  # tolerate the BOM some spreadsheet exports write
        except UnicodeDecodeError as error:
            detail = _("文件不是 UTF-8 编码：第 {position} 字节无法解码").format(position=error.start + 1)
            raise ValidationProblems(CatalogueError.GUIDE_INVALID,
                                     [_problem("$", CatalogueError.FORMAT_INVALID, detail=detail)]) from None
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        detail = _("JSON 语法错误：第 {line} 行第 {column} 列：{reason}").format(
            line=error.lineno, column=error.colno, reason=error.msg
        )
        raise ValidationProblems(CatalogueError.GUIDE_INVALID,
                                 [_problem("$", CatalogueError.FORMAT_INVALID, detail=detail)]) from None


def _top_level_problems(document: Any) -> list[dict[str, Any]]:
    problems = []
    for error in sorted(_TOP_LEVEL_VALIDATOR.iter_errors(document), key=lambda e: list(e.absolute_path)):
        path = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
        problems.append(_problem(path, CatalogueError.FORMAT_INVALID, detail=error.message))
    return problems


def _text(item: Any, *keys: str) -> str | None:
    """A string nested in an item that may be malformed; None when it is not there."""
    value = item
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) else None


def _cross_item_problems(items: list[Any], agencies: dict[str, Agency]) -> list[list[dict[str, Any]]]:
    """Clashes inside the file that no single item shows: one list of problems per item."""
    found: list[list[dict[str, Any]]] = [[] for _item in items]
    first_code: dict[str, int] = {}
    first_basic: dict[str, dict[str, Any]] = {}
    first_unit: dict[tuple[str, str, str], str] = {}
    for index, item in enumerate(items):
        base = f"$.items[{index}]"
        code = _text(item, "implementation_code")
        if code is not None:
            if code in first_code:
                found[index].append(_problem(f"{base}.implementation_code", CatalogueError.DUPLICATE_CODE, code=code))
            first_code.setdefault(code, index)
        basic = item.get("basic_item") if isinstance(item, dict) else None
        basic_code = _text(basic, "basic_code")
        if basic_code is not None and isinstance(basic, dict):
            reference = first_basic.setdefault(basic_code, basic)
            differing = [
                label for label, key in ((_("名称"), "name"), (_("类型"), "item_type"), (_("设定依据"), "legal_basis"))
                if reference.get(key) != basic.get(key)
            ]
            if differing:
                found[index].append(_problem(
                    f"{base}.basic_item", CatalogueError.BASIC_CODE_CLASH,
                    code=basic_code, existing_name=reference.get("name"), fields="、".join(differing),
                ))
        agency_code = _text(item, "agency")
        unit = _text(item, "business_unit") or ""
        if basic_code is not None and agency_code is not None and code is not None:
            key = (basic_code, agency_code, unit)
            existing = first_unit.setdefault(key, code)
            if existing != code:
                agency = agencies.get(agency_code)
                found[index].append(_problem(
                    f"{base}.business_unit", CatalogueError.IMPLEMENTATION_DUPLICATE_UNIT,
                    agency=agency.name if agency else agency_code, unit=unit or "—", existing=existing,
                ))
    return found


def _check_permission(items: list[Any], agencies: dict[str, Agency], actor: User | None, credential: Any) -> None:
    """Refuse (naming the item's path) an item whose agency the actor or credential may not act for."""
    if actor is not None and not holds_role(actor, StaffRole.PLATFORM_OPERATOR):
        require_role(actor, StaffRole.AGENCY_ADMIN)
    else:
        actor = None  # the platform itself, or an operator, imports for any agency
    allowed: set[int] = set()
    for index, item in enumerate(items):
        target = agencies.get(_text(item, "agency") or "")
        if target is None or target.pk in allowed:
            continue  # an unknown agency is a content problem, reported by the item check
        path = f"$.items[{index}].agency"
        try:
            if actor is not None:
                require_role(actor, StaffRole.AGENCY_ADMIN, target)
            if credential is not None:
                require_same_agency(credential, target)
        except TongbanError as refusal:
            raise TongbanError(refusal.error, field=path, **refusal.params) from None
        allowed.add(target.pk)


def check_document(
    data: dict[str, Any] | str | bytes, *, actor: User | None = None, credential: Any = None
) -> tuple[list[Any], list[dict[str, Any]]]:
    """The file's items and every problem found in it (empty when it can be imported); writes nothing.

    Refuses outright – :class:`TongbanError` naming the item's path – when the
    actor (a staff user) or the API credential may not act for an item's agency.
    """
    document = parse_document(data)
    problems = _top_level_problems(document)
    if problems:
        return [], problems
    items = document["items"]
    agency_codes = {code for item in items if (code := _text(item, "agency"))}
    agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=agency_codes)}
    _check_permission(items, agencies, actor, credential)
    cross = _cross_item_problems(items, agencies)
    for index, item in enumerate(items):
        own = check_item_document(item, base=f"$.items[{index}]")
        # A clash with the database and the same clash inside the file are one problem, reported once.
        seen = {(problem["path"], problem["code"]) for problem in own}
        problems.extend(own)
        problems.extend(problem for problem in cross[index] if (problem["path"], problem["code"]) not in seen)
    return items, problems


def import_document(
    data: dict[str, Any] | str | bytes, *, actor: User | None = None, actor_label: str, credential: Any = None
) -> ImportReport:
    """Check a whole file and save every item as a draft in one transaction, or refuse and write nothing.

    ``actor`` None is the platform itself (the shell); a staff user needs the
    agency-admin role covering every item's agency, unless a platform operator.
    ``credential`` (an agency's API credential) limits the file to that agency.
    Problems in the file raise :class:`ValidationProblems` with all of them.
    """
    items, problems = check_document(data, actor=actor, credential=credential)
    if problems:
        raise ValidationProblems(CatalogueError.GUIDE_INVALID, problems)
    codes = [item["implementation_code"] for item in items]
    with transaction.atomic():
        known: set[str] = set()
        with_draft: set[str] = set()
        # In chunks: some SQLite builds bind at most 999 parameters per statement.
        for start in range(0, len(codes), _CHUNK):
            chunk = codes[start:start + _CHUNK]
            known.update(ServiceItem.objects.filter(implementation_code__in=chunk)
                         .values_list("implementation_code", flat=True))
            with_draft.update(ItemVersion.objects.filter(item__implementation_code__in=chunk, state=VersionState.DRAFT)
                              .values_list("item__implementation_code", flat=True))
        for index, item in enumerate(items):
            try:
                save_item_document(item, actor_label=actor_label)
            except ValidationProblems as refusal:
                # The check above saw the same database, so this is a concurrent writer's doing.
                raise ValidationProblems(
                    CatalogueError.GUIDE_INVALID,
                    [{**problem, "path": f"$.items[{index}]" + problem["path"][1:]} for problem in refusal.problems],
                ) from None
        report = ImportReport(
            items=len(items), new_items=len(set(codes) - known), new_drafts=len(set(codes) - with_draft),
            replaced_drafts=len(with_draft), implementation_codes=codes,
        )
        agency_codes = {item["agency"] for item in items}
        agency_id = (
            Agency.objects.filter(code=agency_codes.pop()).values_list("pk", flat=True).first()
            if len(agency_codes) == 1 else None
        )
        audit.record(
            "catalogue.import", actor=actor if actor is not None else actor_label, agency_id=agency_id,
            data={key: value for key, value in report.as_dict().items() if key != "implementation_codes"},
        )
    return report


def _versions_to_export(agency_code: str | None, include_drafts: bool) -> Iterable[int]:
    items = ServiceItem.objects.all()
    if agency_code is not None:
        if not Agency.objects.filter(code=agency_code).exists():
            raise TongbanError(CatalogueError.AGENCY_NOT_FOUND, field="agency", code=agency_code)
        items = items.filter(agency__code=agency_code)
    published = Q(pk__in=items.filter(published_version__isnull=False).values("published_version_id"))
    if include_drafts:
        drafts = ItemVersion.objects.filter(item__in=items, state=VersionState.DRAFT)
        wanted = Q(pk__in=drafts.values("pk")) | (published & ~Q(item__in=drafts.values("item_id")))
    else:
        wanted = published
    return ItemVersion.objects.filter(wanted).order_by("item__implementation_code").values_list("pk", flat=True)


def export_document(*, agency_code: str | None = None, include_drafts: bool = False) -> dict[str, Any]:
    """Every published item (its published version) in the exchange format, in implementation-code order.

    With ``include_drafts`` an item's draft, when it has one, is exported in
    place of its published version (and draft-only items are included), so an
    agency can edit the file and import it again. Importing the result gives
    guides identical to the exported ones.
    """
    version_ids = list(_versions_to_export(agency_code, include_drafts))
    documents: list[dict[str, Any]] = []
    for start in range(0, len(version_ids), _CHUNK):
        chunk = version_ids[start:start + _CHUNK]
        versions = (
            ItemVersion.objects.filter(pk__in=chunk)
            .select_related("item__basic_item", "item__agency")
            .prefetch_related("materials", "situation_questions__options")
            .in_bulk()
        )
        documents.extend(item_document(versions[pk]) for pk in chunk)
    return {"format": FORMAT_NAME, "exported_at": timezone.now().isoformat(), "items": documents}
