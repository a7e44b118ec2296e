"""Cross-province login (ID-5, YRD-1): the platform as a relying party of other regions' OpenID Connect providers.

``client`` speaks HTTP to the provider (discovery, JWKS, authorization
request, token exchange, ID-token signature); ``services`` holds the
operator's provider configuration and ``complete_login``, which matches the
returning user to a local person by the keyed hash of the verified ID number;
``flow`` ties the two redirects of one login together through the session.
The portal's views only call ``flow``.
"""
