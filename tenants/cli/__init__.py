"""Subcommands of `samla municipality` beyond create, list and check, one module per area.

Each module declares `ACTIONS` (the subcommand names it answers), `add_parsers(sub)` and
`handle(command, action, options)`; `tenants/management/commands/municipality.py` asks each.
"""
