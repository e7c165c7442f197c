"""Consultancies, their programme packages, orders and Stripe invoices."""
