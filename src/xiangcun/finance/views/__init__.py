"""Finance pages, one module per part (loans, repayments, arrears, money)."""
