"""Use cases: load rows, call the domain rules, write, commit. No request, no flash."""
