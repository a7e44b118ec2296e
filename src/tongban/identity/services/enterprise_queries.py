"""Read side of the enterprise pages (ID-4): my grants, and the grants tree as far as mine reach."""

from __future__ import annotations

from dataclasses import dataclass

from tongban.identity.models import Enterprise, EnterpriseGrant, Person


@dataclass(frozen=True)
class GrantRow:
    """One grant in the tree as the portal shows it: its depth, and whether the viewer may act on it."""

    grant: EnterpriseGrant
    depth: int
    revocable: bool


def my_grants(person: Person) -> list[EnterpriseGrant]:
    """The person's active grants, with their enterprises, one row per grant."""
    return list(
        EnterpriseGrant.objects.active().filter(person=person).select_related("enterprise").order_by(
            "enterprise__name", "granted_at", "pk"
        )
    )


def visible_grants(person: Person, enterprise: Enterprise) -> list[GrantRow]:
    """The subtrees under the person's active grants in ``enterprise``, in tree order (empty when none).

    The legal representative sees everyone; an administrator sees the operators
    they appointed; an operator sees their own grant.
    """
    grants = list(
        EnterpriseGrant.objects.filter(enterprise=enterprise).select_related("person").order_by("granted_at", "pk")
    )
    children: dict[int | None, list[EnterpriseGrant]] = {}
    for row in grants:
        children.setdefault(row.parent_id, []).append(row)
    roots = [row for row in grants if row.person_id == person.pk and row.is_active]
    rows: list[GrantRow] = []
    seen: set[int] = set()

    def walk(row: EnterpriseGrant, depth: int, revocable: bool) -> None:
        if row.pk in seen:
            return
        seen.add(row.pk)
        rows.append(GrantRow(grant=row, depth=depth, revocable=revocable and row.revoked_at is None))
        for child in children.get(row.pk, []):
            walk(child, depth + 1, True)

    for root in roots:
        walk(root, 0, False)
    return rows
