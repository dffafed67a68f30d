"""Fixtures shared by every test folder."""

import pytest


@pytest.fixture(autouse=True)
def _english_free_locale(settings):
    """Tests see the site's real default language (zh-hans) unless they ask for another."""
    settings.LANGUAGE_CODE = "zh-hans"
