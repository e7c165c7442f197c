"""Shared indicators: the catalogue, values per municipality and period, the SSB CSV import."""
