"""Shared content in Wagtail: network, gathering programme, tool and method pages (CMS issue)."""
