"""Money is integer cents (minor units) everywhere; text only at the edges.

Amounts typed by staff are parsed with Decimal, never float, so "19.99"
is exactly 1999 cents, and "19.999" is an error rather than a rounding.
"""

from decimal import Decimal, InvalidOperation

# ISO 4217 minor units for the currencies whose exponent is not 2.
_EXPONENT = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}
MAX_CENTS = 10**12


class AmountError(ValueError):
    pass


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def parse_amount(text: str, currency: str) -> int:
    """'1,234.50' in USD -> 123450. Raises AmountError with a sentence staff can read."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    for symbol in (_SYMBOL.get(currency.upper(), ""), currency.upper()):
        if symbol:
            cleaned = cleaned.removeprefix(symbol)
    if not cleaned:
        raise AmountError("Enter an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"“{text}” is not an amount. Use digits, like 12.50.") from None
    if not value.is_finite():
        raise AmountError(f"“{text}” is not an amount. Use digits, like 12.50.")
    places = exponent(currency)
    cents = value.scaleb(places)
    if cents != cents.to_integral_value():
        raise AmountError(f"{currency} amounts have at most {places} decimal places.")
    if value < 0:
        raise AmountError("The amount cannot be negative.")
    if cents > MAX_CENTS:
        raise AmountError("That amount is too large.")
    return int(cents)


def format_amount(cents: int | None, currency: str, *, symbol: bool = True) -> str:
    """123450, 'USD' -> '$1,234.50' (or '1,234.50' for an input field)."""
    if cents is None:
        return ""
    places = exponent(currency)
    value = Decimal(cents).scaleb(-places)
    text = f"{value:,.{places}f}"
    if not symbol:
        return text.replace(",", "")
    prefix = _SYMBOL.get(currency.upper())
    return f"{prefix}{text}" if prefix else f"{text} {currency.upper()}"
