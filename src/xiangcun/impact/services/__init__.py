"""The impact app's business actions: rebuilding the daily facts, and making reports."""
