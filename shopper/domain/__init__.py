"""Pure product rules: no Flask, no SQLAlchemy. Frozen dataclasses and functions."""
