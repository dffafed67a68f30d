"""/demo/: only once `xiangcun demo` has finished; the logins, the parcels' pickup codes (the
ones the terminal printed, and only with DEBUG on) and the trace links, in both languages."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from xiangcun.catalog.models import ProductPhoto

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.mark.django_db
def test_demo_page_is_not_found_before_the_demo_is_loaded(client: Client) -> None:
    assert client.get("/demo/").status_code == 404


@pytest.mark.django_db
def test_demo_page_shows_what_the_terminal_printed(client: Client, settings) -> None:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", stdout=out, stderr=StringIO())
    printed = out.getvalue()
    codes = re.findall(r"^XC\S+\s+.+?\s+(\d{6})$", printed, flags=re.MULTILINE)
    links = re.findall(r"(https?://\S+/01/\S+)", printed)

    english = client.get("/demo/", **EN)
    chinese = client.get("/demo/", **ZH).content.decode()
    settings.DEBUG = False
    hidden = client.get("/demo/", **EN).content.decode()

    # The command speaks the site's default language (zh-Hans); its last lines say where to go.
    assert printed.rstrip().splitlines()[-2] == (
        "打开 http://127.0.0.1:8000/，用 13800000001 / demo12345 登录"
    )
    assert printed.rstrip().endswith("http://127.0.0.1:8000/demo/")
    assert codes
    assert links
    page = english.content.decode()
    assert english.status_code == 200
    assert all(code in page for code in codes)
    assert all(link in page for link in links)
    assert "13800000001" in page
    assert "13800000013" in page
    assert "Programme manager" in page
    for words in ("Demo logins", "Parcels waiting at the station", "Trace a product"):
        assert words in page
    assert "演示账号" in chinese
    assert "项目经理" in chinese
    assert all(code in chinese for code in codes)
    assert not any(code in hidden for code in codes)
    assert "only on a development site" in hidden
    assert ProductPhoto.objects.count() >= 28
