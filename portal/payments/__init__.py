"""Fees, payments, receipts (docs/payments.md)."""
