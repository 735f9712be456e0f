"""Throw-away local servers (PostgreSQL, Redis, SMTP) for the tests, the benchmark and the load test."""
