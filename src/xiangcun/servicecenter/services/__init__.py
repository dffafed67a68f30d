"""The service centre's business actions (one function each), re-exported from their modules."""
