"""Every write of the accounts app: registration, roles, residents, logins, codes and tokens.

One module per kind of work (`messages`, `users`, `residents`, `logins`, `tokens`); other apps
import them from here.

The two login services record a failure and then raise. Their bookkeeping runs in its own
`transaction.atomic()` block that is left before raising, so the failure count is kept even
though the call fails (an exception inside the block would roll it back).
"""

from xiangcun.accounts.services.logins import (
    LOGIN_CODE_SMS,
    login_code_sms,
    login_failures_acknowledge,
    login_guard_reset,
    otp_login,
    otp_request,
    password_login,
)
from xiangcun.accounts.services.messages import sms_kind_register, sms_queue
from xiangcun.accounts.services.residents import (
    household_register,
    resident_move,
    resident_register,
)
from xiangcun.accounts.services.tokens import (
    api_token_authenticate,
    api_token_issue,
    api_token_revoke,
)
from xiangcun.accounts.services.users import (
    demo_users_ensure,
    role_grant,
    role_revoke,
    roles_sync,
    user_for_phone,
    user_register,
)

__all__ = [
    "LOGIN_CODE_SMS",
    "api_token_authenticate",
    "api_token_issue",
    "api_token_revoke",
    "demo_users_ensure",
    "household_register",
    "login_code_sms",
    "login_failures_acknowledge",
    "login_guard_reset",
    "otp_login",
    "otp_request",
    "password_login",
    "resident_move",
    "resident_register",
    "role_grant",
    "role_revoke",
    "roles_sync",
    "sms_kind_register",
    "sms_queue",
    "user_for_phone",
    "user_register",
]
