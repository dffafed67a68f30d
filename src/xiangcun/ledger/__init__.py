"""Double-entry bookkeeping: accounts, balanced journal entries, balances and statements."""
