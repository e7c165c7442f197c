"""Per-municipality routines (tenant schema); filled by the routines issue."""
