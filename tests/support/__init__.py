"""Helpers shared by the tests: servers, sign-in, page parsing."""
