"""Gatherings of a learning network: registrations, live group tasks and evaluations."""
