"""Licence services: types, issuance, rendering, show-and-verify, use in applications, other regions' trust."""
