"""The platform as an OpenID Connect provider for agencies' systems (single sign-on, ID-2; docs/sso.md).

Built on django-oauth-toolkit: ``keys`` (the RS256 signing key, the only module
settings import), ``validator`` (the toolkit's validator and oauthlib's server,
with Tongban's client registry, sign-on context and claims), ``claims`` (what
an ID token says about a person and what the consent page shows), ``clients``
(registering and disabling agency systems), ``views`` and ``urls`` (the
endpoints under ``/o/``). The models are ``identity.models.OidcClient`` and
``identity.models.OidcSignOn``.
"""
