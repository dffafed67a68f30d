"""Plain values the sellers app shares with other apps (none yet; the actor type is
`accounts.types.AnyUser`)."""
