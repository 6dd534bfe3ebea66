"""Amounts are never guessed: the rule of docs/money.md, example by example, then as properties."""

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.numbers import get_currency_symbol, list_currencies
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st

from boxoffice.events.forms import CURRENCIES as EVENT_CURRENCIES
from boxoffice.money import MAX_CENTS, AmountError, exponent, format_amount, parse_amount
from boxoffice.orders.forms import RefundForm

# What the sandbox sells: any ISO code (sandbox/api/schemas.py Currency), the
# event form offers these, and KWD stands for the three-decimal currencies.
CURRENCIES = (*EVENT_CURRENCIES, "KWD", "CHF")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR")
SYMBOLS = {"en_US": (".", ","), "en_GB": (".", ","), "de_DE": (",", "."), "fr_FR": (",", "\u202f")}
SPACES = (" ", "\u00a0", "\u202f")


def refused(text, currency="USD", locale="en_US") -> str:
    with pytest.raises(AmountError) as caught:
        parse_amount(text, currency, locale=locale)
    return str(caught.value)


# --- the examples of docs/money.md ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "locale", "cents"),
    [
        ("2.50", "USD", "en_US", 250),
        ("19.99", "USD", "en_US", 1999),
        ("1,234.56", "USD", "en", 123456),
        ("1,234,567.89", "USD", "en_US", 123456789),
        ("1,234", "USD", "en_US", 123400),  # 1.234 cannot be USD, so this is 1234 dollars
        ("12,50", "EUR", "de", 1250),
        ("12,50", "EUR", "de_DE", 1250),
        ("1.234,56", "EUR", "de", 123456),
        ("1.234.567", "EUR", "de_DE", 123456700),
        ("1 234,56", "EUR", "fr_FR", 123456),  # a plain space for fr's narrow no-break space
        ("1\u202f234,56", "EUR", "fr_FR", 123456),
        ("1\u00a0234,56", "EUR", "fr_FR", 123456),
        ("1,000", "JPY", "en_US", 1000),
        ("1.000", "JPY", "de_DE", 1000),
        ("1500", "JPY", "en_US", 1500),
        ("1.234", "KWD", "en_US", 1234),
        ("1,234", "KWD", "de_DE", 1234),
        ("1,234.500", "KWD", "en_US", 1234500),
        ("1'234.50", "CHF", "de_CH", 123450),
        ("0.10", "EUR", "en_US", 10),
        ("0", "USD", "en_US", 0),
        ("007", "USD", "en_US", 700),
        ("  7 ", "USD", "en_US", 700),
        ("5.5", "USD", "en_US", 550),
        # a currency mark before or after, spaced or not
        ("$12.50", "USD", "en_US", 1250),
        ("$ 12.50", "USD", "en_US", 1250),
        ("12.50$", "USD", "en_US", 1250),
        ("USD 3.5", "USD", "en_US", 350),
        ("usd3.5", "USD", "en_US", 350),
        ("12,50 €", "EUR", "de_DE", 1250),
        ("12,50\u00a0€", "EUR", "de_DE", 1250),
        ("EUR 12,50", "EUR", "de_DE", 1250),
        ("€12,50", "EUR", "de_DE", 1250),
        ("12,50 $US", "USD", "fr_FR", 1250),
        ("12,50 $", "USD", "fr_FR", 1250),  # English's symbol for the same currency
        ("US$12.50", "USD", "en_GB", 1250),
        ("KWD 1.500", "KWD", "en_US", 1500),
    ],
)
def test_amounts_parse_to_exact_cents(text, currency, locale, cents):
    assert parse_amount(text, currency, locale=locale) == cents


@pytest.mark.parametrize(
    ("text", "currency", "locale", "message"),
    [
        # the bug: "2,5" refunded $25.00
        ("2,5", "USD", "en_US", "“2,5” is not an amount here. Write it like 2.50."),
        ("1,23", "USD", "en", "“1,23” is not an amount here. Write it like 1.23."),
        ("12,50", "EUR", "en_US", "“12,50” is not an amount here. Write it like 12.50."),
        ("12.50", "EUR", "de_DE", "“12.50” is not an amount here. Write it like 12,50."),
        ("12.50", "EUR", "fr_FR", "“12.50” is not an amount here. Write it like 12,50."),
        ("1.000,00", "USD", "en_US", "“1.000,00” is not an amount here. Write it like 1000.00."),
        ("1,000.00", "EUR", "de_DE", "“1,000.00” is not an amount here. Write it like 1000,00."),
        ("1,2345", "USD", "en_US", "“1,2345” is not an amount here."),
        ("12,34,567", "USD", "en_US", "“12,34,567” is not an amount here."),
        ("1 000", "USD", "en_US", "“1 000” is not an amount here. Write it like 1000.00."),
        ("1_000", "USD", "en_US", "“1_000” is not an amount here. Write it like 1000.00."),
        (".5", "USD", "en_US", "“.5” is not an amount here. Write it like 0.50."),
        ("5.", "USD", "en_US", "“5.” is not an amount here. Write it like 5.00."),
        ("1.2.3", "USD", "en_US", "“1.2.3” is not an amount here. Write it like 12.50."),
        # one grouping symbol, three digits, a three-decimal currency: both readings are amounts
        ("1,234", "KWD", "en_US", "“1,234” could mean 1234 or 1.234 KWD. Write it like 1234 or 1.234."),
        ("1.234", "KWD", "de_DE", "“1.234” could mean 1234 or 1,234 KWD. Write it like 1234 or 1,234."),
        ("1.234", "KWD", "fr_FR", "“1.234” could mean 1,234 or 1234 KWD."),  # "." is no separator in fr
        # digits beyond the minor units: refused, never rounded
        ("19.999", "USD", "en_US", "USD amounts have at most 2 decimal places."),
        ("19.990", "USD", "en_US", "USD amounts have at most 2 decimal places."),
        ("5.5", "JPY", "en_US", "JPY amounts have no decimal places."),
        ("5,0", "JPY", "de_DE", "JPY amounts have no decimal places."),
        ("1.2345", "KWD", "en_US", "KWD amounts have at most 3 decimal places."),
        # signs, words, exponents, other digits, other currencies
        ("-5", "USD", "en_US", "The amount cannot be negative."),
        ("\u22125", "USD", "en_US", "The amount cannot be negative."),
        ("-$5", "USD", "en_US", "The amount cannot be negative."),
        ("$-5", "USD", "en_US", "The amount cannot be negative."),
        ("-0", "USD", "en_US", "The amount cannot be negative."),
        ("+5", "USD", "en_US", "“+5” is not an amount. Use digits, like 12.50."),
        ("abc", "USD", "en_US", "“abc” is not an amount. Use digits, like 12.50."),
        ("NaN", "USD", "en_US", "“NaN” is not an amount."),
        ("Infinity", "USD", "en_US", "“Infinity” is not an amount."),
        ("inf", "EUR", "de_DE", "“inf” is not an amount. Use digits, like 12,50."),
        ("1e3", "USD", "en_US", "“1e3” is not an amount."),
        ("1E+2", "USD", "en_US", "“1E+2” is not an amount."),
        ("1e3.5", "USD", "en_US", "not an amount"),
        ("0x10", "USD", "en_US", "“0x10” is not an amount."),
        ("\uff10\uff15", "USD", "en_US", "“\uff10\uff15” is not an amount here. Use the digits 0 to 9, like 12.50."),
        ("\u0663", "USD", "en_US", "Use the digits 0 to 9"),
        ("€5", "USD", "en_US", "“€5” is not a USD amount. Write it like 12.50."),
        ("5 GBP", "USD", "en_US", "“5 GBP” is not a USD amount."),
        ("$5", "CAD", "en_US", "“$5” is not a CAD amount."),  # "$" is ambiguous; CAD's symbol is CA$
        ("", "USD", "en_US", "Enter an amount."),
        ("   ", "USD", "en_US", "Enter an amount."),
        ("$", "USD", "en_US", "Enter an amount."),
        ("9" * 20, "USD", "en_US", "That amount is too large."),
        ("9" * 400, "USD", "en_US", "That amount is too large."),
        ("10000000000.01", "USD", "en_US", "That amount is too large."),
    ],
)
def test_bad_amounts_say_why_and_how_to_write_them(text, currency, locale, message):
    assert message in refused(text, currency, locale)


DOC_ROW = re.compile(r"^\| (`.+`) \| ([A-Z]{3}) \| ([a-z]{2}-[A-Z]{2}) \| (.+?) \|$", re.MULTILINE)


def test_the_examples_in_docs_money_md_hold():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "money.md").read_text()
    rows = DOC_ROW.findall(doc)
    assert len(rows) >= 15
    for typed, currency, locale, result in rows:
        texts = re.findall(r"`([^`]+)`", typed)
        if result[0].isdigit():
            for text in texts:
                assert parse_amount(text, currency, locale=locale) == int(result.split()[0]), text
        else:
            assert refused(texts[0], currency, locale) == result
            for text in texts[1:]:
                refused(text, currency, locale)


def test_the_largest_amount_is_accepted():
    assert parse_amount("10000000000.00", "USD", locale="en_US") == MAX_CENTS


def test_a_long_refused_text_is_quoted_short():
    assert len(refused("x" * 10_000)) < 120


def test_no_float_rounding_on_the_classic_cases():
    assert parse_amount("0.29", "USD") == 29  # float(0.29) * 100 == 28.999999999999996
    assert parse_amount("1.15", "USD") == 115


def test_minor_units_come_from_cldr():
    assert [exponent(c) for c in ("USD", "eur", "JPY", "KWD", "BHD", "CLP", "XYZ")] == [2, 2, 0, 3, 3, 0, 2]


def test_format_for_the_page_and_for_the_input_field():
    assert format_amount(123450, "USD") == "$1,234.50"
    assert format_amount(123450, "USD", symbol=False) == "1234.50"
    assert format_amount(1500, "JPY") == "¥1,500"
    assert format_amount(1500, "JPY", symbol=False) == "1500"
    assert format_amount(999, "CHF") == "CHF\u00a09.99"  # CLDR's space between a letter symbol and a digit
    assert format_amount(1234500, "KWD") == "KWD\u00a01,234.500"
    assert format_amount(123450, "EUR", locale="de_DE") == "1.234,50\u00a0€"
    assert format_amount(123450, "EUR", symbol=False, locale="de_DE") == "1234,50"
    assert format_amount(123450, "EUR", locale="fr_FR") == "1\u202f234,50\u00a0€"
    assert format_amount(5, "usd") == "$0.05"
    assert format_amount(None, "USD") == ""


def test_the_active_language_is_the_default_locale():
    assert parse_amount("1,234.50", "EUR") == 123450  # settings.LANGUAGE_CODE: en-us
    with translation.override("de"):
        assert parse_amount("1.234,50", "EUR") == 123450
        assert format_amount(123450, "EUR", symbol=False) == "1234,50"
        assert "Schreiben Sie ihn wie 2,50." in refused("2.5", "EUR", None)  # the refusal is German too
    with translation.override("fr-fr"):
        assert format_amount(123450, "EUR") == "1\u202f234,50\u00a0€"


def test_an_unknown_locale_falls_back_to_the_box_office_language():
    assert parse_amount("1,234.50", "USD", locale="xx-unknown") == 123450


def _order(total=3000, refunded=0, currency="USD"):
    return SimpleNamespace(
        total=total, amount_refunded=refunded, refundable=total - refunded, currency=currency, attendees=(), items=()
    )


@pytest.mark.parametrize(
    ("typed", "currency", "cents", "error"),
    [
        ("2,5", "USD", None, "“2,5” is not an amount here. Write it like 2.50."),  # once: a $25.00 refund
        ("2.50", "USD", 250, None),
        ("25", "USD", 2500, None),
        ("12,50", "EUR", None, "Write it like 12.50."),
        ("1,500", "JPY", 1500, None),
    ],
)
def test_the_refund_form_takes_amounts_by_the_rule(typed, currency, cents, error):
    data = {"amount": typed, "reason": "Customer request", "idempotency_key": "k", "expected_amount_refunded": "0"}
    form = RefundForm(data, order=_order(total=3000, currency=currency))
    assert form.is_valid() is (error is None), form.errors
    if error:
        assert error in form.errors["amount"][0]
    else:
        assert form.cleaned_data["amount"] == cents


# --- properties ---------------------------------------------------------------------------------------

currencies = st.sampled_from(CURRENCIES)
locales = st.sampled_from(LOCALES)
cents_ = st.one_of(st.integers(0, MAX_CENTS), st.integers(0, 10**7), st.sampled_from((0, 1, 999, 1000, 1234567)))


@settings(max_examples=200)
@given(cents=cents_, currency=currencies, locale=locales)
@example(cents=1234000, currency="KWD", locale="en_US")
@example(cents=1000, currency="JPY", locale="de_DE")
def test_what_the_page_and_the_input_show_reads_back_to_the_same_cents(cents, currency, locale):
    page = format_amount(cents, currency, locale=locale)
    field = format_amount(cents, currency, symbol=False, locale=locale)
    assert parse_amount(page, currency, locale=locale) == cents
    assert parse_amount(field, currency, locale=locale) == cents
    assert parse_amount(f"  {field} ", currency, locale=locale) == cents


@settings(max_examples=100)
@given(cents=st.integers(0, 10**9), currency=st.sampled_from(sorted(list_currencies())))
def test_every_currency_cldr_knows_reads_back_in_en_us(cents, currency):
    assert parse_amount(format_amount(cents, currency), currency) == cents
    assert parse_amount(format_amount(cents, currency, symbol=False), currency) == cents


def _units(digits: str, places: int) -> int:
    return int(Decimal(digits).scaleb(places))


def _is_group(sep: str, group: str) -> bool:
    return sep == group or (group.isspace() and sep.isspace())


def _digits(pattern: str):
    return st.from_regex(pattern, fullmatch=True)


@st.composite
def one_separator(draw):
    """digits, one separator, digits: the locale's own separators half the time, so successes are common."""
    locale = draw(locales)
    decimal, group = SYMBOLS[locale]
    sep = draw(st.one_of(st.sampled_from((decimal, group)), st.sampled_from((".", ",", "'", "_", *SPACES))))
    head = draw(st.one_of(_digits(r"[1-9][0-9]{0,2}"), _digits(r"[0-9]{1,7}")))  # often a valid first group
    tail = draw(st.one_of(_digits(r"[0-9]{3}"), _digits(r"[0-9]{1,4}")))
    return head, sep, tail, draw(currencies), locale


@settings(max_examples=200)
@given(case=one_separator())
@example(case=("2", ",", "5", "USD", "en_US"))
@example(case=("1", ",", "234", "KWD", "en_US"))
@example(case=("1", ".", "234", "KWD", "de_DE"))
@example(case=("1", ",", "000", "JPY", "en_US"))
def test_one_separator_means_what_the_locale_says_or_nothing(case):
    """A text with one separator parses only to the locale's reading, and never where another reading is an amount."""
    head, sep, tail, currency, locale = case
    decimal, group = SYMBOLS[locale]
    places = exponent(currency)
    text = f"{head}{sep}{tail}"
    try:
        cents = parse_amount(text, currency, locale=locale)
    except AmountError:
        return
    if sep == decimal:
        assert len(tail) <= places  # never rounded
        assert cents == _units(f"{head}.{tail}", places)
    else:
        assert _is_group(sep, group), f"{text!r} read with a separator {locale} does not use"
        assert len(tail) == 3 and len(head) <= 3 and not head.startswith("0")  # a valid group, nothing else
        assert cents == _units(head + tail, places)
        # Had the separator been a decimal point, would that have been an amount too? Then it must be refused.
        assert not (sep in ".," and len(tail) <= places), f"{text!r} is ambiguous in {currency}"


@settings(max_examples=200)
@given(
    parts=st.lists(st.one_of(_digits(r"[0-9]{3}"), _digits(r"[0-9]{1,4}")), min_size=3, max_size=4),
    seps=st.lists(st.sampled_from((".", ",", " ", "\u202f", "'")), min_size=3, max_size=3),
    currency=currencies,
    locale=locales,
)
@example(parts=["1", "234", "56"], seps=[",", ".", "."], currency="USD", locale="en_US")
@example(parts=["1", "234", "56"], seps=[".", ",", ","], currency="EUR", locale="de_DE")
def test_more_separators_mean_grouping_then_one_decimal_or_nothing(parts, seps, currency, locale):
    decimal, group = SYMBOLS[locale]
    text = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:], strict=False))
    used = seps[: len(parts) - 1]
    try:
        cents = parse_amount(text, currency, locale=locale)
    except AmountError:
        return
    *groups, last = used
    assert all(_is_group(s, group) for s in groups)
    if last == decimal:
        whole, fraction = "".join(parts[:-1]), parts[-1]
        assert len(fraction) <= exponent(currency)
        assert cents == _units(f"{whole}.{fraction}", exponent(currency))
    else:
        assert _is_group(last, group)
        assert cents == _units("".join(parts), exponent(currency))
    assert all(len(p) == 3 for p in (parts[1:-1] if last == decimal else parts[1:]))


amountish = st.text(st.sampled_from("0123456789.,'_ -+$€£¥eEKWDUSnaINF\u00a0\u202f\u2212\uff10\u0663"), max_size=16)


@settings(max_examples=200)
@given(text=st.one_of(amountish, st.text(max_size=20)), currency=currencies, locale=locales)
def test_any_text_is_an_amount_in_range_or_a_sentence(text, currency, locale):
    try:
        cents = parse_amount(text, currency, locale=locale)
    except AmountError as exc:
        assert str(exc).endswith(".") and len(str(exc)) < 150
        return
    assert 0 <= cents <= MAX_CENTS
    assert re.search(r"[0-9]", text)
    assert not re.search(r"[eE+\u2212\uff10\u0663]|^-|nan|inf", text.strip().casefold())


@settings(max_examples=150)
@given(cents=cents_, currency=currencies, locale=locales, where=st.sampled_from(("code before", "symbol after")))
def test_a_currency_mark_changes_nothing(cents, currency, locale, where):
    field = format_amount(cents, currency, symbol=False, locale=locale)
    marked = f"{currency} {field}" if where == "code before" else f"{field} {get_currency_symbol(currency, locale)}"
    assert parse_amount(marked, currency, locale=locale) == cents


@settings(max_examples=150)
@given(whole=st.integers(0, 10**6), extra=_digits(r"[0-9]{1,3}"), currency=currencies, locale=locales)
def test_digits_beyond_the_minor_units_are_refused_never_rounded(whole, extra, currency, locale):
    decimal, _ = SYMBOLS[locale]
    places = exponent(currency)
    text = f"{whole}{decimal}{'0' * places}{extra}"
    message = refused(text, currency, locale)
    assert f"{currency} amounts have" in message
