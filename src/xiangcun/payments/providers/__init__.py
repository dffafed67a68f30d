"""Payment providers behind one interface; `provider_for(name)` picks one."""

from django.conf import settings

from xiangcun.payments.errors import ProviderNotConfiguredError, UnknownProviderError
from xiangcun.payments.providers.base import PaymentProvider
from xiangcun.payments.providers.cash import CashProvider
from xiangcun.payments.providers.sandbox import SandboxProvider


def wechat_enabled() -> bool:
    """WeChat Pay is on only when a merchant id is configured."""
    return bool(getattr(settings, "WECHATPAY_MCHID", ""))


def provider_for(name: str) -> PaymentProvider:
    """The provider called `name` (cash, sandbox, wechat).

    The WeChat provider is imported only when asked for: it loads keys and the SDK, which a
    site that takes only cash does not need.
    """
    if name == "cash":
        return CashProvider()
    if name == "sandbox":
        if not getattr(settings, "PAYMENTS_SANDBOX_ENABLED", True):
            raise ProviderNotConfiguredError
        return SandboxProvider()
    if name == "wechat":
        if not wechat_enabled():
            raise ProviderNotConfiguredError
        from xiangcun.payments.providers.wechat import WechatPayProvider

        return WechatPayProvider()
    raise UnknownProviderError(field="provider")
