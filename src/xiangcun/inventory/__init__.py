"""Stock per variant per location, every change as a movement, reservations with expiry."""
