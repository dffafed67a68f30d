"""Bank batch file (代发): the payouts of a run as one CSV for the bank's corporate portal.

Columns in the order Chinese banks' 代发 templates take them: 户名 (account name), 账号
(account number), 开户行 (bank), 金额 (amount, yuan with two decimals), 用途 (memo).

Encoding: GB18030. Banks' upload tools and the Excel their staff open files with read GBK
(UTF-8, even with a BOM, comes out as mojibake in several of them); GB18030 is byte for byte
GBK for every character GBK has, and also encodes the rare characters some names use, where
GBK would fail.

Sending marks the payout sent; staff confirm each one paid or failed from the bank's result.
"""

import csv
import io
from collections.abc import Iterable

from xiangcun.finance.providers.base import PayoutOrder, PayoutOutcome

ENCODING = "gb18030"
HEADER = ("户名", "账号", "开户行", "金额", "用途")


def bank_file_name(run_day: str) -> str:
    return f"xiangcun-payouts-{run_day}.csv"


def _cell(value: str) -> str:
    # A cell starting with = + - @ is a formula to Excel: never from a name someone typed.
    return "'" + value if value[:1] in {"=", "+", "-", "@"} else value


def bank_file_csv(orders: Iterable[PayoutOrder]) -> bytes:
    """The batch file for these payouts, encoded for the bank (see the module's note)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for order in orders:
        writer.writerow(
            (
                _cell(order.account_name),
                order.account_number,
                _cell(order.bank_name),
                f"{order.amount:.2f}",
                _cell(order.memo),
            )
        )
    return buffer.getvalue().encode(ENCODING, errors="replace")


class BankFileProvider:
    name = "bank"

    def send(self, order: PayoutOrder) -> PayoutOutcome:
        # The money leaves when staff upload the run's file; until they confirm, it is sent.
        return PayoutOutcome(status="sent", reference=order.key)

    def query(self, order: PayoutOrder) -> PayoutOutcome:
        return PayoutOutcome(status="sent", reference=order.key)
