"""The credit assessment: facts from the platform's own records, points from rules that are
data (edit a rule and the score changes), a suggested limit capped by the product, reasons in
the reader's language."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from tests.finance.factories import (
    CreditRuleFactory,
    InstalmentFactory,
    LoanFactory,
    LoanProductFactory,
    sales_history,
)
from tests.sellers.factories import SellerFactory
from tests.training.factories import CertificateFactory
from xiangcun.finance import selectors, services
from xiangcun.finance.models import CreditRule
from xiangcun.finance.services.credit import suggested_limit

pytestmark = pytest.mark.django_db


def _apply(seller, product, amount="5000"):
    return services.loan_apply(
        actor=seller.owner,
        seller_id=seller.pk,
        product_id=product.pk,
        amount=Decimal(amount),
        periods=6,
    ).loan


def test_facts_come_from_completed_sales_training_and_loans():
    seller = SellerFactory()
    sales_history(seller.pk, months=9, amount=Decimal("2310.00"))
    CertificateFactory(holder=seller.owner)
    facts = services.credit_facts(seller_id=seller.pk)
    assert facts["months_selling"] == 9
    assert facts["average_monthly_sales"] == Decimal("2310.00")
    assert facts["sales_trend"] == Decimal("0.0")
    assert facts["returns_rate"] == Decimal("0")
    assert facts["certificates"] == 1
    assert facts["loans_closed"] == 0
    assert facts["max_days_late"] == 0


def test_a_rule_edited_by_staff_changes_the_score():
    seller = SellerFactory()
    sales_history(seller.pk, months=9, amount=Decimal("2310.00"))
    rule = CreditRuleFactory(factor="months_selling", comparison="gte", threshold=6, points=30)
    CreditRuleFactory(
        factor="average_monthly_sales",
        comparison="gte",
        threshold=1000,
        points=25,
        reason="steady_seller",
    )
    product = LoanProductFactory()
    first = selectors.assessment_latest(loan=_apply(seller, product))
    assert first.score == 55
    rule.threshold = 12  # now nine months is not enough
    rule.save()
    score, reasons = services.credit_score(facts=services.credit_facts(seller_id=seller.pk))
    assert score == 25
    assert [r["code"] for r in reasons] == ["steady_seller"]
    CreditRule.objects.filter(pk=rule.pk).update(is_active=False, points=99)
    assert services.credit_score(facts=services.credit_facts(seller_id=seller.pk))[0] == 25


def test_negative_points_and_bounds():
    CreditRuleFactory(
        factor="months_selling", comparison="lt", threshold=3, points=-40, reason="new_seller"
    )
    score, reasons = services.credit_score(facts={"months_selling": 0})
    assert score == 0
    assert reasons[0]["points"] == -40


def test_suggested_limit_grows_with_the_score_and_is_capped():
    average = Decimal("2310.00")
    cap = Decimal("20000.00")
    assert suggested_limit(score=80, average=average, cap=cap) == Decimal("6900.00")
    assert suggested_limit(score=55, average=average, cap=cap) == Decimal("4600.00")
    assert suggested_limit(score=10, average=average, cap=cap) == Decimal("0.00")
    assert suggested_limit(score=90, average=Decimal("9000"), cap=cap) == cap


def test_reasons_render_in_both_languages():
    params = {"months_selling": "9", "average_monthly_sales": "2310.00", "sales_trend": "-12.5"}
    with translation.override("en"):
        assert selectors.reason_text("steady_seller", params) == (
            "9 months selling, ¥2,310 a month on average"
        )
        assert selectors.reason_text("sales_falling", params) == (
            "Sales down 12.5% in the last three months"
        )
    with translation.override("zh-hans"):
        text = selectors.reason_text("steady_seller", params)
        assert text == "售卖 9 个月，月均销售额 ¥2,310"
        assert "months" not in selectors.reason_text("sales_falling", params)


def test_late_instalments_of_earlier_loans_count():
    seller = SellerFactory()
    loan = LoanFactory(seller=seller, status="closed")
    InstalmentFactory(loan=loan, number=1, due_date=datetime.date(2026, 1, 10), paid_at=None)
    facts = services.credit_facts(seller_id=seller.pk, today=datetime.date(2026, 2, 19))
    assert facts["loans_closed"] == 1
    assert facts["max_days_late"] == 40
