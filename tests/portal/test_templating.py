"""Helpers of every template: numbers as the reader's language writes them."""

import pytest
from babel import numbers
from flask_babel import force_locale

VALUES = [0, 7, -7, 999, 1_000, -1_234, 12_345, 494_000, 1_234_567, -98_765_432_100]


@pytest.mark.parametrize("language", ["de", "en"])
def test_whole_numbers_are_written_as_babel_writes_them(app, language):
    number = app.jinja_env.filters["number"]
    with app.test_request_context(), force_locale(language):
        written = [number(value) for value in VALUES]
    assert written == [numbers.format_decimal(value, locale=language) for value in VALUES]


def test_numbers_with_a_fraction_or_a_pattern_are_written_in_the_readers_language(app):
    number = app.jinja_env.filters["number"]
    with app.test_request_context(), force_locale("de"):
        assert number(1234.5) == "1.234,5"
        assert number(1234, "#,##0.00") == "1.234,00"
    with app.test_request_context(), force_locale("en"):
        assert number(1234.5) == "1,234.5"
