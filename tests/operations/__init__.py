"""Operations: the production processes, backups, leaving Samla, metrics and faults."""
