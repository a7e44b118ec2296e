"""Audit events and workdays live here."""
