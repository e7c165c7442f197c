"""Tests of a municipality's project plans: models, services and the API."""
