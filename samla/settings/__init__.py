"""Settings, split by where Samla runs: base (shared), dev, test, production."""
