"""The service centre's reads, re-exported from their modules."""
