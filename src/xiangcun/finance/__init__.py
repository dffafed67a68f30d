"""Finance: seller settlement and payouts, loans scored on platform sales, repaid from payouts."""
