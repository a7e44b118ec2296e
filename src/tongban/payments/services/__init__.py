"""Use cases of the payments module, one file per area: fees, orders, notifications, refunds, reconciliation, receipts.

Higher modules call these; payments never imports them back. What an order pays
for is told to its owner through :mod:`tongban.payments.services.callbacks`.
"""
