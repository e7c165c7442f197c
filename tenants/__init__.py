"""The municipality registry (public schema) and, as sub-apps, what lives in each one's schema."""
