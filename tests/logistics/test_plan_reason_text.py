"""A route plan's reason: the platform's own reasons are stored as codes and shown in the
reader's language; a reason given in words is shown as it was given."""

import pytest
from django.utils import translation

from xiangcun.logistics.models import RoutePlan


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("demo_day", "演示日", "Demo day"),
        ("dispatch_page", "在调度页面规划", "Planned from the dispatch page"),
        ("van_broke_down", "货车出故障", "Van broke down"),
        ("replanned", "已重新规划", "Re-planned"),
    ],
)
def test_a_platform_reason_is_shown_in_the_reader_language(code, chinese, english):
    plan = RoutePlan(reason=code)

    with translation.override("zh-hans"):
        assert plan.reason_text() == chinese
    with translation.override("en"):
        assert plan.reason_text() == english


def test_a_reason_in_words_is_shown_as_given():
    with translation.override("en"):
        assert RoutePlan(reason="暴雨，改走县道").reason_text() == "暴雨，改走县道"
