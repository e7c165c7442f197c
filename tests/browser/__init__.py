"""Browser tests: headless Chromium against a real server, checked with axe-core."""
