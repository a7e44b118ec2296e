from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    """Connected agencies (接入单位): the agency tree, leads, cut-off switch."""

    name = "tongban.agencies"
    label = "agencies"
    verbose_name = "接入单位"
