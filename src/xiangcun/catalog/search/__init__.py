"""Product search: turning text into index terms, and the backend that stores and queries them.

`interface.search_backend()` returns the configured backend (setting `CATALOG_SEARCH_BACKEND`);
the built-in one keeps its index in two database tables and works on SQLite and PostgreSQL.
"""
