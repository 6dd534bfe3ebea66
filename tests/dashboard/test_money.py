import pytest

from boxoffice.money import AmountError, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "cents"),
    [("19.99", "USD", 1999), ("1,234.50", "USD", 123450), ("$5", "USD", 500), ("0.10", "EUR", 10),
     ("  7 ", "USD", 700), ("1500", "JPY", 1500), ("1.234", "KWD", 1234), ("0", "USD", 0), ("USD 3.5", "USD", 350)],
)
def test_amounts_parse_to_exact_cents(text, currency, cents):
    assert parse_amount(text, currency) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Enter an amount"), ("12.345", "at most 2 decimal places"), ("-5", "negative"), ("abc", "not an amount"),
     ("1e3.5", "not an amount"), ("NaN", "not an amount"), ("Infinity", "not an amount"), ("9" * 20, "too large")],
)
def test_bad_amounts_say_why(text, message):
    with pytest.raises(AmountError, match=message):
        parse_amount(text, "USD")


def test_no_float_rounding_on_the_classic_cases():
    assert parse_amount("0.29", "USD") == 29  # float(0.29) * 100 == 28.999999999999996
    assert parse_amount("1.15", "USD") == 115


def test_format():
    assert format_amount(123450, "USD") == "$1,234.50"
    assert format_amount(123450, "USD", symbol=False) == "1234.50"
    assert format_amount(1500, "JPY") == "¥1,500"
    assert format_amount(999, "CHF") == "CHF\u00a09.99"  # CLDR: a space between a letter symbol and a digit
