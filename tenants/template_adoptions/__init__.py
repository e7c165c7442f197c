"""Which network template a municipality's plan came from, and taking the template's changes."""
