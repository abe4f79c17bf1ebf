"""Quotes and invoices."""
