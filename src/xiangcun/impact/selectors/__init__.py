"""Read-only queries over the impact facts: the only thing pages, exports and the API read."""
