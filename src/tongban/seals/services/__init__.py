"""Seal services: the registry (``registry``) and signing/verification (``signing``)."""
