"""Global user accounts and the rows that give them roles."""
