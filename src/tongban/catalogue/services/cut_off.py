"""The cut-off switch (中断连接, SEC-3): the platform operator disconnects an agency that endangers the platform.

While an agency is cut off:

* its items refuse new applications, showing the reason and the announcement
  (``lifecycle.accepting_refusal_reason`` reads ``Agency.is_cut_off``);
* its business systems receive nothing: case events for it are written to the
  outbox as ``withheld`` and never sent, and rows already waiting are withheld
  by the sender (``cases.services.delivery``); its API calls to the case
  exchange are refused.

Cutting off always publishes a public announcement of kind ``cut_off`` about
the agency as a whole; restoring ends that announcement and publishes a notice
that service resumes. Both are audited. This lives in the catalogue because the
announcement is a catalogue record and the catalogue may use both the agencies
and the identity layers (``agencies`` may not check staff roles).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from tongban.agencies.models import Agency
from tongban.catalogue.errors import CutOffError
from tongban.catalogue.models import Announcement, AnnouncementKind
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.models import StaffRole
from tongban.identity.services import Actor, require_role

RESTORED_NOTICE_DAYS = 7
MAX_TITLE_LENGTH = 200


def _check(actor: Actor) -> None:
    # Staff need the operator role, which is platform-wide.
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)


def _locked(agency: Agency) -> Agency:
    return Agency.objects.select_for_update().get(pk=agency.pk)


@transaction.atomic
def cut_off(actor: Actor, agency: Agency, *, reason: str, announcement_title: str,
            announcement_body: str) -> Announcement:
    """Cut the agency off at once, with a public announcement; returns the announcement (SEC-3)."""
    agency = _locked(agency)
    _check(actor)
    reason, title, body = reason.strip(), announcement_title.strip(), announcement_body.strip()
    if not reason:
        raise TongbanError(CutOffError.REASON_REQUIRED, field="reason")
    if not title or not body or len(title) > MAX_TITLE_LENGTH:
        raise TongbanError(CutOffError.ANNOUNCEMENT_REQUIRED, field="announcement_title" if not title else
                           "announcement_body")
    if agency.is_cut_off:
        cut_off_at = timezone.localtime(agency.cut_off_at).strftime("%Y-%m-%d %H:%M") if agency.cut_off_at else ""
        raise TongbanError(CutOffError.ALREADY_CUT_OFF, agency=agency.name, cut_off_at=cut_off_at)
    now = timezone.now()
    agency.is_cut_off = True
    agency.cut_off_reason = reason
    agency.cut_off_at = now
    agency.save(update_fields=["is_cut_off", "cut_off_reason", "cut_off_at"])
    announcement = Announcement.objects.create(
        kind=AnnouncementKind.CUT_OFF, agency=agency, title=title, body=body, published_at=now
    )
    audit.record("catalogue.agency.cut_off", actor=actor, agency_id=agency.pk, obj=agency,
                 data={"reason": reason, "announcement_id": announcement.pk})
    return announcement


@transaction.atomic
def restore(actor: Actor, agency: Agency, *, note: str) -> Announcement:
    """Reconnect a cut-off agency: its announcements of the cut-off end and a resumption notice is published."""
    agency = _locked(agency)
    _check(actor)
    note = note.strip()
    if not note:
        raise TongbanError(CutOffError.NOTE_REQUIRED, field="note")
    if not agency.is_cut_off:
        raise TongbanError(CutOffError.NOT_CUT_OFF, agency=agency.name)
    now = timezone.now()
    today = timezone.localdate(now)
    # Ended yesterday, so the portal stops showing them today (announcements run to the end of ends_on).
    Announcement.objects.filter(
        kind=AnnouncementKind.CUT_OFF, agency=agency, item__isnull=True, ends_on__isnull=True
    ).update(ends_on=today - datetime.timedelta(days=1))
    cut_off_since = agency.cut_off_at
    agency.is_cut_off = False
    agency.cut_off_reason = ""
    agency.cut_off_at = None
    agency.save(update_fields=["is_cut_off", "cut_off_reason", "cut_off_at"])
    # Public announcements are official records in the platform's language, whatever the operator's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        title = gettext("%(agency)s已恢复连接") % {"agency": agency.name}
    notice = Announcement.objects.create(
        kind=AnnouncementKind.GENERAL, agency=agency, title=title[:MAX_TITLE_LENGTH], body=note, published_at=now,
        ends_on=today + datetime.timedelta(days=RESTORED_NOTICE_DAYS),
    )
    audit.record("catalogue.agency.restored", actor=actor, agency_id=agency.pk, obj=agency,
                 data={"note": note, "cut_off_at": cut_off_since, "announcement_id": notice.pk})
    return notice


def cut_off_agencies() -> list[Agency]:
    """The agencies cut off now, most recent first."""
    return list(Agency.objects.filter(is_cut_off=True).order_by("-cut_off_at", "code"))
