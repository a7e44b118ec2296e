"""Unified public payment (统一公共支付): fee items, payment orders, channel adapters, reconciliation, e-receipts."""
