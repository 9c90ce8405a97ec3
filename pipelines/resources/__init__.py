"""Resources: everything assets reach outside themselves through (warehouse, landing, API clients)."""
