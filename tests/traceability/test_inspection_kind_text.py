"""An inspection's test: the platform's own tests are stored as codes and named in the
reader's language; a test named in words is shown as it was written."""

from django.utils import translation

from xiangcun.traceability.models import Inspection


def test_a_platform_test_is_named_in_the_reader_language():
    for code, chinese, english in (
        ("pesticide_residue_rapid", "农药残留快速检测", "Rapid pesticide-residue test"),
        ("grading", "入库分级", "Grading at intake"),
    ):
        inspection = Inspection(kind=code)
        with translation.override("zh-hans"):
            assert inspection.kind_text() == chinese
        with translation.override("en"):
            assert inspection.kind_text() == english


def test_a_test_named_in_words_is_shown_as_written():
    with translation.override("en"):
        assert Inspection(kind="重金属检测").kind_text() == "重金属检测"
