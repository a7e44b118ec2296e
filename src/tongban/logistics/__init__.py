"""Unified logistics (统一物流快递): shipments, address book, courier adapters, tracking."""
