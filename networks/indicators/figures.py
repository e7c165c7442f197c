"""The roll-up figures of goals linked to indicators (declared in networks.figures)."""
