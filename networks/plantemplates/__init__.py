"""Plan templates a learning network publishes, in the shape of the plans' blueprints."""
