"""Registering and disabling agencies' systems as OpenID Connect clients (ID-2).

``actor`` is the staff member acting (a platform operator) or ``None`` for the
platform itself (the ``tongban oidc-client`` command, which only someone with
shell access reaches). Every client uses the authorization code flow with PKCE
and RS256-signed ID tokens, and shows the consent page. A confidential client
gets a secret, returned once and stored only as a hash; a public client (an app
that cannot keep a secret) gets none and relies on PKCE alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from oauth2_provider.settings import oauth2_settings

from tongban.agencies.models import Agency
from tongban.core import audit
from tongban.core.errors import TongbanError
from tongban.identity.errors import IdentityError
from tongban.identity.models import OidcClient, StaffRole, User
from tongban.identity.services import actor_label, require_role

NAME_MAX_LENGTH = 120
REASON_MAX_LENGTH = 200
URI_MAX_LENGTH = 500


@dataclass(frozen=True)
class RegisteredClient:
    """A new client and its secret in plain text: shown once, never stored (empty for a public client)."""

    client: OidcClient
    client_secret: str


def _check(actor: User | AnonymousUser | None) -> None:
    if actor is not None:
        require_role(actor, StaffRole.PLATFORM_OPERATOR)


def _checked_uri(uri: str, field: str) -> str:
    """An absolute URI with an allowed scheme and a host, without fragment or credentials, else a refusal."""
    uri = (uri or "").strip()
    parts = urlsplit(uri)
    schemes = oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
    reason = ""
    if len(uri) > URI_MAX_LENGTH:
        reason = gettext("不能超过{max_length}个字符").format(max_length=URI_MAX_LENGTH)
    elif any(character.isspace() for character in uri):
        reason = gettext("不能含有空格")
    elif parts.scheme not in schemes:
        reason = gettext("必须以 {schemes} 开头").format(schemes=" 或 ".join(f"{scheme}://" for scheme in schemes))
    elif not parts.hostname:
        reason = gettext("缺少主机名")
    elif "#" in uri:
        reason = gettext("不能带片段（#）")
    elif "@" in parts.netloc or "*" in parts.netloc:
        reason = gettext("主机名不能含有用户信息或通配符")
    if reason:
        raise TongbanError(IdentityError.OIDC_REDIRECT_URI_INVALID, field=field, uri=uri, reason=reason)
    return uri


def _checked_uris(uris: list[str], field: str, *, required: bool) -> list[str]:
    checked = list(dict.fromkeys(_checked_uri(uri, field) for uri in uris if (uri or "").strip()))
    if required and not checked:
        raise TongbanError(IdentityError.OIDC_REDIRECT_URI_REQUIRED, field=field)
    return checked


def client_by_id(client_id: str) -> OidcClient:
    """The registered client with this client id (enabled or not), or a refusal naming it."""
    found = (
        OidcClient.objects.select_related("application", "agency")
        .filter(application__client_id=(client_id or "").strip()).first()
    )
    if found is None:
        raise TongbanError(IdentityError.OIDC_CLIENT_NOT_FOUND, field="client_id", client_id=client_id)
    return found


def list_clients() -> QuerySet[OidcClient]:
    """Every registered client, newest first, with its application and agency."""
    return OidcClient.objects.select_related("application", "agency").order_by("-registered_at", "-id")


@transaction.atomic
def register_client(actor: User | AnonymousUser | None, *, name: str, redirect_uris: list[str],
                    agency: Agency | None = None, public: bool = False,
                    post_logout_redirect_uris: list[str] | None = None) -> RegisteredClient:
    """Register an agency system; returns the client with its one-time plaintext secret. Audited."""
    _check(actor)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        raise TongbanError(IdentityError.OIDC_CLIENT_NAME_REQUIRED, field="name", max_length=NAME_MAX_LENGTH)
    redirects = _checked_uris(redirect_uris, "redirect_uris", required=True)
    logouts = _checked_uris(post_logout_redirect_uris or [], "post_logout_redirect_uris", required=False)
    secret = "" if public else generate_client_secret()
    application = get_application_model()(
        name=name,
        client_type=AbstractApplication.CLIENT_PUBLIC if public else AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirects),
        post_logout_redirect_uris=" ".join(logouts),
        algorithm=AbstractApplication.RS256_ALGORITHM,
        client_secret=secret,
        hash_client_secret=not public,  # a public client's empty secret stays empty rather than a hash of ""
        skip_authorization=False,
    )
    try:
        application.clean()  # the toolkit's own checks, after ours: they should never refuse what we accepted
    except ValidationError as error:
        raise TongbanError(IdentityError.OIDC_REDIRECT_URI_INVALID, field="redirect_uris",
                           uri=" ".join(redirects), reason="; ".join(error.messages)) from error
    application.save()  # the secret is hashed on save
    client = OidcClient.objects.create(
        application=application, agency=agency, registered_at=timezone.now(), registered_by_label=actor_label(actor),
    )
    audit.record(
        "identity.oidc_client.registered", actor=actor, agency_id=agency.pk if agency else None, obj=client,
        data={"client_id": application.client_id, "name": name, "public": public, "redirect_uris": redirects,
              "post_logout_redirect_uris": logouts, "agency": agency.code if agency else None},
    )
    return RegisteredClient(client, secret)


def _delete(queryset: QuerySet) -> int:
    """Delete the rows and say how many there were (not counting what cascades from them)."""
    count = queryset.count()
    queryset.delete()
    return count


@transaction.atomic
def disable_client(actor: User | AnonymousUser | None, client: OidcClient, reason: str) -> OidcClient:
    """Disable a client at once: it is refused from the next request on and its codes and tokens are deleted."""
    _check(actor)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise TongbanError(IdentityError.OIDC_DISABLE_REASON_REQUIRED, field="reason", max_length=REASON_MAX_LENGTH)
    current = OidcClient.objects.select_for_update().select_related("application").get(pk=client.pk)
    if current.disabled_at is not None:
        raise TongbanError(IdentityError.OIDC_CLIENT_ALREADY_DISABLED, name=current.application.name,
                           disabled_at=f"{timezone.localtime(current.disabled_at):%Y-%m-%d %H:%M}")
    current.disabled_at = timezone.now()
    current.disabled_by_label = actor_label(actor)
    current.disabled_reason = reason
    current.save(update_fields=["disabled_at", "disabled_by_label", "disabled_reason"])
    application = current.application
    deleted = {
        name: _delete(model.objects.filter(application=application))
        for name, model in (("refresh_tokens", get_refresh_token_model()), ("access_tokens", get_access_token_model()),
                            ("id_tokens", get_id_token_model()), ("codes", get_grant_model()))
    }
    audit.record(
        "identity.oidc_client.disabled", actor=actor, agency_id=current.agency_id, obj=current,
        data={"client_id": application.client_id, "name": application.name, "reason": reason, "deleted": deleted},
    )
    return current
