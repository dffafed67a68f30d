"""The simulated provider (the default, for demos and tests): pays at once, deterministically;
an account number ending in 0000 is refused, to show what a failed payout looks like."""

from xiangcun.finance.providers.base import PayoutOrder, PayoutOutcome


class SimulatedProvider:
    name = "simulated"

    def send(self, order: PayoutOrder) -> PayoutOutcome:
        return self.query(order)

    def query(self, order: PayoutOrder) -> PayoutOutcome:
        if order.account_number.endswith("0000"):
            return PayoutOutcome(status="failed", code="account_invalid")
        return PayoutOutcome(status="paid", reference=f"SIM-{order.key}")
