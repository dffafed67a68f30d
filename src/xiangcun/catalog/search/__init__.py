"""Product search: turning text into index terms, and the backend that stores and queries them.

`interface.search_backend()` returns the configured backend (setting `CATALOG_SEARCH_BACKEND`);
the built-in one keeps its index in the database's own full-text engine (SQLite FTS5 or a
PostgreSQL GIN index), over one row per product (see backend.py and engines.py).
"""
