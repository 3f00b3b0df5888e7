"""Input channels of our own, declared in credentials.yml by their module path."""
