"""Product search: turning text into index terms, and the backend that stores and queries them.

`interface.search_backend()` returns the configured backend (setting `CATALOG_SEARCH_BACKEND`);
the built-in one stores the terms in the database's own full-text index (SQLite FTS5 or
PostgreSQL tsvector + GIN, see `backend`).
"""
