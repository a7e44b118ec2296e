from django.apps import AppConfig


class SealsConfig(AppConfig):
    """Electronic seals (电子印章): seal registry, keys under the platform CA, signing, verification."""

    name = "tongban.seals"
    label = "seals"
    verbose_name = "电子印章"
