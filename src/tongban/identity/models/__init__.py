"""Identity models, one file per aggregate; import them from here."""

from tongban.identity.models.accounts import RoleAssignment, StaffRole, User
from tongban.identity.models.codes import OneTimeCode, OneTimeCodePurpose
from tongban.identity.models.enterprises import Enterprise, EnterpriseGrant, GrantRole, GrantScope
from tongban.identity.models.federation import ExternalIdentity, ExternalProvider
from tongban.identity.models.oidc import OidcClient, OidcSignOn
from tongban.identity.models.persons import DocumentType, Person, RealNameCheck, RealNameMethod
from tongban.identity.models.sessions import UserSession

__all__ = [
    "DocumentType",
    "Enterprise",
    "EnterpriseGrant",
    "ExternalIdentity",
    "ExternalProvider",
    "GrantRole",
    "GrantScope",
    "OneTimeCode",
    "OneTimeCodePurpose",
    "OidcClient",
    "OidcSignOn",
    "Person",
    "RealNameCheck",
    "RealNameMethod",
    "RoleAssignment",
    "StaffRole",
    "User",
    "UserSession",
]
