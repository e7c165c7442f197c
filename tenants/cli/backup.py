"""`samla municipality` subcommands: backup (being built)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand

ACTIONS: frozenset[str] = frozenset()


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this module's subcommands on `sub`."""


def handle(command: BaseCommand, action: str, options: dict[str, Any]) -> None:
    """Run `action` (one of ACTIONS)."""
    raise NotImplementedError(action)
