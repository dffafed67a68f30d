"""Every form message is ours: Django's built-in ones ("确保该值大于或等于0.001") never show."""

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _


class _Harvest(forms.Form):
    weight = forms.DecimalField(min_value=Decimal("0.001"), max_digits=6, decimal_places=3)
    crates = forms.IntegerField(max_value=40)
    note = forms.CharField(max_length=5)
    grade = forms.ChoiceField(choices=[("a", "A")])


def _errors(data: dict[str, str], language: str) -> dict[str, list[str]]:
    with translation.override(language):
        form = _Harvest(data)
        form.is_valid()
        return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def test_the_messages_are_ours_in_english() -> None:
    errors = _errors({"weight": "0", "crates": "41", "note": "abcdefg", "grade": "z"}, "en")

    assert errors == {
        "weight": ["Write a number of at least 0.001."],
        "crates": ["Write a number of at most 40."],
        "note": ["Write at most 5 characters (this has 7)."],
        "grade": ["Choose one of the options in the list."],
    }


def test_the_messages_are_ours_in_chinese() -> None:
    errors = _errors({"weight": "abc", "crates": "", "note": "x", "grade": "a"}, "zh-hans")
    chinese = _errors({"weight": "0"}, "zh-hans")["weight"][0]

    assert "确保" not in chinese
    assert chinese != "Write a number of at least 0.001."
    assert "0.001" in chinese
    assert errors["crates"] != ["这个字段是必填项。"]
    assert errors["weight"] != ["请输入一个数字。"]


def test_the_api_names_a_wrong_field_in_our_words_and_the_callers_language(client: Any) -> None:
    body = {"lines": [{"variant": "honey", "quantity": 1}], "address": {"county_code": "440106"}}

    answer = client.post(
        "/api/v1/logistics/rates/quote",
        json.dumps(body),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    assert answer.status_code == 422
    detail = next(d for d in answer.json()["details"] if d["field"].endswith("variant"))
    assert detail["type"] == "int_parsing"
    with translation.override("zh-hans"):
        assert detail["error"] == str(_("Write a whole number, such as 12."))
    assert detail["error"] != "Write a whole number, such as 12."
