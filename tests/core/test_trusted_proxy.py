"""TrustedProxyMiddleware: the client's address behind a known number of proxies, and never
one a client can forge."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from xiangcun.core.middleware import TrustedProxyMiddleware


def seen_address(count: int, forwarded: str | None, remote: str = "10.0.0.2") -> str:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)

    def view(req: HttpRequest) -> HttpResponse:
        return HttpResponse(req.META["REMOTE_ADDR"])

    with override_settings(TRUSTED_PROXY_COUNT=count):
        return TrustedProxyMiddleware(view)(request).content.decode()


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert seen_address(0, "1.2.3.4") == "10.0.0.2"


def test_behind_nginx_the_address_nginx_saw_is_used() -> None:
    assert seen_address(1, "1.2.3.4") == "1.2.3.4"


def test_a_forged_first_entry_is_not_believed() -> None:
    # The client sent "X-Forwarded-For: 6.6.6.6"; nginx appended the real peer.
    assert seen_address(1, "6.6.6.6, 1.2.3.4") == "1.2.3.4"
    assert seen_address(2, "6.6.6.6, 1.2.3.4, 10.0.0.9") == "1.2.3.4"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-ip", "1.2.3.4"])
def test_missing_short_or_garbled_headers_keep_the_peer_address(forwarded: str | None) -> None:
    assert seen_address(2 if forwarded == "1.2.3.4" else 1, forwarded) == "10.0.0.2"


def test_ipv6_is_accepted() -> None:
    assert seen_address(1, "2001:db8::1") == "2001:db8::1"
