"""Show and verify (亮证, LIC-3): the holder makes a short-lived signed token shown as a QR code; anyone who
scans it sees the licence's essentials, its status and issuer, without logging in.

Token = ``django.core.signing`` (HMAC-SHA256 under the secret key, salted)
over ``{"t": token id, "e": expiry}``. Verification checks the HMAC and the
expiry in memory, then spends one use with a single conditional UPDATE that
on PostgreSQL also returns the licence's displayed columns (one round trip;
elsewhere a second indexed SELECT) — no PDF, ciphertext or public-key work.

Replay policy: a token lives ``TONGBAN_SHOW_TOKEN_SECONDS`` (5 minutes) and
verifies at most ``TONGBAN_SHOW_TOKEN_MAX_USES`` times (3: the checker may
reload or a second clerk may scan); after that, or after expiry, it is refused
and the holder shows a fresh one. Each show is recorded in the wallet's use
history; each verification counts on the token.
"""

from __future__ import annotations

import datetime
import functools
import json
import secrets
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from tongban.core.errors import TongbanError
from tongban.identity.services import Actor, actor_label
from tongban.licences.errors import LicenceError
from tongban.licences.models import (
    Licence,
    LicenceStatus,
    LicenceType,
    LicenceUse,
    LicenceUsePurpose,
    ShowToken,
    status_of,
)
from tongban.licences.services.wallet import own_licence

SALT = "tongban.licences.show"
ESSENTIAL_FIELDS = ("number", "holder_name", "public_fields", "issuer_name", "issued_at", "valid_until", "revoked_at",
                    "licence_type_id", "licence_type__name")


@dataclass(frozen=True)
class ShownToken:
    """What the holder's phone shows: the token, its URL and QR code, when it expires."""

    token: str
    url: str
    expires_at: datetime.datetime
    max_uses: int

    def qr_svg(self) -> str:
        """The QR code as inline SVG markup (no script, CSP-safe)."""
        return segno.make(self.url, error="m").svg_inline(scale=5, border=2)


@transaction.atomic
def create_token(actor: Actor, licence: Licence) -> ShownToken:
    """The holder shows a licence: a fresh token, recorded in the use history (LIC-3)."""
    licence = own_licence(actor, licence)
    status = licence.status
    if status != LicenceStatus.VALID:
        raise TongbanError(LicenceError.NOT_VALID, number=licence.number, status=status.label)
    now = timezone.now()
    expires_at = now + datetime.timedelta(seconds=settings.TONGBAN_SHOW_TOKEN_SECONDS)
    row = ShowToken.objects.create(token_id=secrets.token_urlsafe(16), licence=licence, created_at=now,
                                   expires_at=expires_at, max_uses=settings.TONGBAN_SHOW_TOKEN_MAX_USES)
    LicenceUse.objects.create(licence=licence, purpose=LicenceUsePurpose.SHOWN, actor_label=actor_label(actor),
                              consented_at=now, used_at=now)
    token = signing.dumps({"t": row.token_id, "e": int(expires_at.timestamp())}, salt=SALT)
    url = settings.TONGBAN_PUBLIC_URL + reverse("verify:show", kwargs={"token": token})
    return ShownToken(token, url, expires_at, row.max_uses)


@dataclass(frozen=True)
class VerifiedLicence:
    """What a verifier sees: essentials with personal numbers masked, status, issuer."""

    number: str
    type_name: str
    holder_name: str
    fields: list[tuple[str, Any]]
    issuer_name: str
    issued_at: datetime.datetime
    valid_until: datetime.date | None
    status: LicenceStatus
    uses_left: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "type": self.type_name, "holder_name": self.holder_name,
                "fields": dict(self.fields), "issuer": self.issuer_name, "issued_at": self.issued_at.isoformat(),
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "status": self.status.value, "status_label": str(self.status.label), "uses_left": self.uses_left}


@functools.lru_cache(maxsize=512)
def field_titles(licence_type_id: int) -> tuple[tuple[str, str], ...]:
    """A type's field names and titles, cached per process: the verify path then never reads the schema.

    ``types.define_type`` clears it; another process may show an old title
    until it restarts, never wrong data (the values come from the licence row).
    """
    licence_type = LicenceType.objects.only("field_schema").get(pk=licence_type_id)
    return tuple(licence_type.field_titles().items())


def _essentials(row: dict[str, Any], uses_left: int | None) -> VerifiedLicence:
    public = row["public_fields"]
    fields = [(title, public[name]) for name, title in field_titles(row["licence_type_id"]) if name in public]
    status = status_of(row["revoked_at"], row["valid_until"], timezone.localdate())
    return VerifiedLicence(row["number"], row["licence_type__name"], row["holder_name"], fields, row["issuer_name"],
                           row["issued_at"], row["valid_until"], status, uses_left)


def essentials(licence: Licence, uses_left: int | None = None) -> VerifiedLicence:
    """The public view of a licence (masked fields with their Chinese titles)."""
    return _essentials({name: getattr(licence, name) for name in ESSENTIAL_FIELDS if "__" not in name}
                       | {"licence_type__name": licence.licence_type.name}, uses_left)


def verify_token(token: str) -> VerifiedLicence:
    """Check a scanned token and spend one of its uses; refuses tampered, expired and used-up tokens."""
    if not token or len(token) > 300 or ":" not in token:
        raise TongbanError(LicenceError.TOKEN_MALFORMED)
    try:
        payload = signing.loads(token, salt=SALT)
        token_id, expiry = str(payload["t"]), int(payload["e"])
    except signing.BadSignature as error:
        raise TongbanError(LicenceError.TOKEN_TAMPERED) from error
    except (KeyError, TypeError, ValueError) as error:
        raise TongbanError(LicenceError.TOKEN_MALFORMED) from error
    now = timezone.now()
    if expiry <= now.timestamp():
        raise TongbanError(LicenceError.TOKEN_EXPIRED)
    spend = _spend_postgresql if connection.vendor == "postgresql" else _spend_portable
    found = spend(token_id, now)
    if found is None:
        token_row = ShowToken.objects.filter(token_id=token_id).first()
        if token_row is None:
            raise TongbanError(LicenceError.TOKEN_TAMPERED)
        if token_row.expires_at <= now:
            raise TongbanError(LicenceError.TOKEN_EXPIRED)
        raise TongbanError(LicenceError.TOKEN_USED_UP, uses=token_row.use_count)
    uses_left, row = found
    return _essentials(row, uses_left)


def _spend_portable(token_id: str, now: datetime.datetime) -> tuple[int, dict[str, Any]] | None:
    """Any engine: one conditional UPDATE spends a use (atomic across workers: use_count never passes
    max_uses), then one indexed SELECT of the displayed columns (no PDF, no ciphertext, no schema)."""
    spent = ShowToken.objects.filter(token_id=token_id, use_count__lt=F("max_uses"), expires_at__gt=now).update(
        use_count=F("use_count") + 1, last_used_at=now)
    if not spent:
        return None
    found = (ShowToken.objects.filter(token_id=token_id)
             .values("max_uses", "use_count", *(f"licence__{name}" for name in ESSENTIAL_FIELDS)).first())
    if found is None:
        return None
    return found["max_uses"] - found["use_count"], {name: found[f"licence__{name}"] for name in ESSENTIAL_FIELDS}


# PostgreSQL: the same conditional UPDATE returns the licence's displayed columns in one round trip
# (UPDATE … FROM … RETURNING; SQLite cannot return the FROM tables' columns, so it takes the portable path).
_SPEND_SQL = """
UPDATE licences_showtoken AS token
   SET use_count = token.use_count + 1, last_used_at = %s
  FROM licences_licence AS licence JOIN licences_licencetype AS kind ON kind.id = licence.licence_type_id
 WHERE token.token_id = %s AND token.use_count < token.max_uses AND token.expires_at > %s
   AND licence.id = token.licence_id
RETURNING token.max_uses - token.use_count, licence.number, licence.holder_name, licence.public_fields,
          licence.issuer_name, licence.issued_at, licence.valid_until, licence.revoked_at,
          licence.licence_type_id, kind.name
"""


def _spend_postgresql(token_id: str, now: datetime.datetime) -> tuple[int, dict[str, Any]] | None:
    # The use counter does not wait for its WAL flush (synchronous_commit off for this transaction only): a
    # database crash can at worst forget the last few increments, letting a token that lives 5 minutes be
    # verified a few more times; waiting for the flush tripled the cost of every public verification.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(_SPEND_SQL, [now, token_id, now])
        result = cursor.fetchone()
    if result is None:
        return None
    public = result[3]
    row = dict(zip(ESSENTIAL_FIELDS, (result[1], result[2], json.loads(public) if isinstance(public, str) else public,
                                      *result[4:]), strict=True))
    return int(result[0]), row


def verify_link(number: str, code: str) -> VerifiedLicence:
    """The page a licence PDF's QR code opens: the number with its unguessable code (no login)."""
    licence = Licence.objects.select_related("licence_type").filter(number=number[:40]).first()
    if licence is None or not secrets.compare_digest(licence.verify_code, code):
        raise TongbanError(LicenceError.VERIFY_LINK_INVALID)
    return essentials(licence)
