"""Learning networks and competence bases, and (later) progress across municipalities."""
