"""Users who log in with a mobile number, their roles, residents and households."""
