"""Per-municipality plans (tenant schema); filled by the plans issue."""
