from django.apps import AppConfig


class LicencesConfig(AppConfig):
    """Electronic licences (电子证照): types, issuance, wallet, show-and-verify, revocation, other regions' trust."""

    name = "tongban.licences"
    label = "licences"
    verbose_name = "电子证照"
