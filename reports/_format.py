"""Numbers, amounts and dates written as the reader's locale writes them (Babel).

German is the first language of the portal: ``22.11.2026``, ``1.234,56 €``, ``25 %``. Every
function takes the locale as a string (``"de"``, ``"en"``) so that figures and tables of one
dashboard page are written alike.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.numbers import NumberPattern, format_currency, parse_pattern

from reports._errors import InvalidReportData

Number = int | float | Decimal


@cache
def parse_locale(locale: str) -> Locale:
    """Return Babel's locale for ``locale`` or refuse a name Babel does not know."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as error:
        raise InvalidReportData(
            f"The locale {locale!r} is unknown.",
            hint="Give a language code such as 'de' or 'en'.",
        ) from error


@cache
def _pattern(pattern: str) -> NumberPattern:
    # Babel parses a pattern given as text on every call, which took two thirds of the time of
    # writing a number; a table of 2,000 ideas writes ten thousand.
    return parse_pattern(pattern)


def format_number(value: Number, locale: str, *, digits: int = 0) -> str:
    """Return ``value`` with exactly ``digits`` decimals and the locale's separators."""
    pattern = _pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return str(pattern.apply(value, parse_locale(locale)))


def format_amount(value: Number, locale: str, *, currency: str = "EUR") -> str:
    """Return an amount of money, for example ``1.234,56 €`` in German."""
    return format_currency(value, currency, locale=parse_locale(locale))


def format_share(value: float, locale: str, *, digits: int = 0) -> str:
    """Return a share of 0…1 as a percentage, for example ``25 %`` in German."""
    babel_locale = parse_locale(locale)
    # The locale's own pattern keeps its spacing (German: a no-break space before "%").
    pattern = babel_locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return str(_pattern(pattern).apply(value, babel_locale))


def format_date(value: dt.date, locale: str) -> str:
    """Return a date in the locale's medium form: ``22.11.2026`` in German."""
    return _babel_date(value, format="medium", locale=parse_locale(locale))


def plotly_separators(locale: str) -> str:
    """Return Plotly's ``layout.separators`` (decimal mark, then group mark) for ``locale``."""
    symbols = parse_locale(locale).number_symbols["latn"]
    return f"{symbols['decimal']}{symbols['group']}"


def plotly_date_format(locale: str) -> str:
    """Return a d3 date format for axes and hover labels that matches ``format_date``."""
    return "%d.%m.%Y" if parse_locale(locale).language == "de" else "%b %-d, %Y"
