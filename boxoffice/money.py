"""Money is integer cents (minor units) everywhere; text only at the edges.

Amounts are read and written the way the staff member's locale writes numbers,
with Babel (CLDR data): the locale's decimal and grouping symbols and grouping
pattern, each currency's minor units and symbol. An amount is never guessed:
text the locale cannot read one way only is refused with a sentence that says
how to write it. The rule, with examples, is docs/money.md.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, localcontext

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    is_currency,
    parse_decimal,
)
from django.conf import settings
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

MAX_CENTS = 10**12
_MAX_DIGITS = 40  # longer is "too large" before any arithmetic
_MINUS = "-\u2212"  # hyphen-minus and the minus sign
# What people put between digits. Only the locale's own decimal and grouping
# symbols are read; the others are recognised only to say how to write it.
_APOSTROPHE = "\u2019"  # right single quotation mark: de_CH groups with it
_SEPARATORS = ".,'_" + _APOSTROPHE
_DECIMAL_LOOKING = ".,"  # used as a decimal point somewhere in the world
_SHOWN = 40  # how much of a refused text the error quotes


class AmountError(ValueError):
    pass


def exponent(currency: str) -> int:
    """Minor units of `currency` (CLDR): USD 2, JPY 0, KWD 3; 2 for a code CLDR does not know."""
    return get_currency_precision(currency.upper())


def _locale(locale) -> Locale:
    """The given locale, else the active Django language, else settings.LANGUAGE_CODE."""
    if isinstance(locale, Locale):
        return locale
    for name in (locale, get_language(), settings.LANGUAGE_CODE):
        if name and (parsed := _parsed(str(name))) is not None:
            return parsed
    return _parsed("en_US") or Locale.parse("en_US")


# Parsing a locale name was a third of every amount shown; a page shows a dozen. Locales are
# compared and hashed by value and never changed, so one object per name serves every caller.
@functools.lru_cache(maxsize=256)
def _parsed(name: str) -> Locale | None:
    try:
        return Locale.parse(to_locale(name))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _input_text(value: Decimal, places: int, locale: Locale) -> str:
    """What an input field shows: the locale's decimal symbol, every minor digit, no grouping."""
    return format_decimal(value, format="0." + "0" * places if places else "0", locale=locale)


def _units(cents: int, places: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = _MAX_DIGITS + 10
        return Decimal(cents).scaleb(-places)


def _example(places: int, locale: Locale) -> str:
    return _input_text(Decimal("12.5") if places else Decimal(1250), places, locale)


def _markers(currency: str, locale: Locale) -> list[str]:
    """Currency marks tolerated before or after an amount: the code, the locale's and English's symbol."""
    marks = {currency, get_currency_symbol(currency, locale), get_currency_symbol(currency, "en")}
    return sorted(marks, key=len, reverse=True)


def _strip_currency(body: str, currency: str, locale: Locale) -> tuple[str, bool]:
    """'-$ 12.50' -> ('12.50', True): one currency mark (before or after) and a leading minus removed."""
    negative = False
    if body[:1] in _MINUS:
        negative, body = True, body[1:].lstrip()
    for mark in _markers(currency, locale):
        if body[: len(mark)].upper() == mark.upper():
            body = body[len(mark) :].lstrip()
            break
        if len(body) > len(mark) and body[-len(mark) :].upper() == mark.upper():
            body = body[: -len(mark)].rstrip()
            break
    if not negative and body[:1] in _MINUS:
        negative, body = True, body[1:].lstrip()
    return body, negative


def _normalise(body: str, group: str) -> str:
    """Spaces of any kind stand for a space grouping symbol (fr: U+202F), and ' for U+2019 (de_CH)."""
    if group.isspace():
        body = "".join(group if ch.isspace() else ch for ch in body)
    if group == _APOSTROPHE:
        body = body.replace("'", _APOSTROPHE)
    return body


def _reading(number: str, places: int) -> list[Decimal]:
    """What a person could mean by `number` under any common convention (used only to suggest)."""
    kinds = list(dict.fromkeys(" " if ch.isspace() else ch for ch in number if not ch.isdigit()))
    plain = "".join(" " if ch.isspace() else ch for ch in number)
    readings = []
    if len(kinds) == 1:
        sep = kinds[0]
        head, _sep, tail = plain.partition(sep)
        if sep in _DECIMAL_LOOKING and plain.count(sep) == 1 and (head or tail):  # ".5" and "5." too
            readings.append(Decimal(f"{head or 0}.{tail}") if tail else Decimal(head))
        if _valid_groups(plain.split(sep)):
            readings.append(Decimal(plain.replace(sep, "")))
    elif len(kinds) == 2 and kinds[1] in _DECIMAL_LOOKING and plain.count(kinds[1]) == 1:
        whole, _sep, tail = plain.partition(kinds[1])
        if tail.isdigit() and _valid_groups(whole.split(kinds[0])):
            readings.append(Decimal(f"{whole.replace(kinds[0], '')}.{tail}"))
    # Every reading is finite (digits only), so its exponent is an int, never NaN's 'n'.
    return [r for r in dict.fromkeys(readings) if isinstance(e := r.as_tuple().exponent, int) and -e <= places]


def _names_a_currency(body: str) -> bool:
    """'€5' or 'GBP 5' on a USD event: another currency's symbol or code."""
    code = re.match(r"\s*([A-Za-z]{3})\b", body) or re.search(r"\b([A-Za-z]{3})\s*$", body)
    return any(unicodedata.category(ch) == "Sc" for ch in body) or bool(code and is_currency(code.group(1).upper()))


def _valid_groups(parts: list[str]) -> bool:
    return (
        len(parts) > 1
        and 1 <= len(parts[0]) <= 3
        and parts[0].isdigit()
        and parts[0][0] != "0"
        and all(len(p) == 3 and p.isdigit() for p in parts[1:])
    )


def _not_here(shown: str, number: str, currency: str, places: int, locale: Locale) -> AmountError:
    """“2,5” is not an amount here. Write it like 2.50."""
    readings = _reading(number, places)
    if len(readings) == 2:
        one, other = readings
        return _could_mean(shown, one, other, currency, places, locale)
    like = _input_text(readings[0], places, locale) if readings else _example(places, locale)
    return AmountError(_("“%(shown)s” is not an amount here. Write it like %(like)s.") % {"shown": shown, "like": like})


def _could_mean(shown: str, one: Decimal, other: Decimal, currency: str, places: int, locale: Locale) -> AmountError:
    """“1,234” could mean 1234 or 1.234 KWD. Write it like 1234 or 1.234."""
    one_text, other_text = (_input_text(v, places if v != v.to_integral_value() else 0, locale) for v in (one, other))
    return AmountError(
        _("“%(shown)s” could mean %(one)s or %(other)s %(currency)s. Write it like %(one)s or %(other)s.")
        % {"shown": shown, "one": one_text, "other": other_text, "currency": currency}
    )


def parse_amount(text: str, currency: str, *, locale=None) -> int:
    """'1,234.50' in USD (en-US) -> 123450. Raises AmountError with a sentence staff can read.

    `locale` is a Babel locale or its name ('de_DE', 'de-de'); None means the
    active Django language. The rule is docs/money.md.
    """
    currency = currency.upper()
    loc = _locale(locale)
    places = exponent(currency)
    body = (text or "").strip()
    shown = body if len(body) <= _SHOWN else body[:_SHOWN] + "…"
    body, negative = _strip_currency(body, currency, loc)
    if not body:
        raise AmountError(_("Enter an amount."))
    for ch in body:
        if ch in "0123456789" or ch in _SEPARATORS or ch.isspace():
            continue
        if unicodedata.category(ch) == "Nd":
            raise AmountError(
                _("“%(shown)s” is not an amount here. Use the digits 0 to 9, like %(example)s.")
                % {"shown": shown, "example": _example(places, loc)}
            )
        if _names_a_currency(body):
            raise AmountError(
                _("“%(shown)s” is not a %(currency)s amount. Write it like %(example)s.")
                % {"shown": shown, "currency": currency, "example": _example(places, loc)}
            )
        raise AmountError(
            _("“%(shown)s” is not an amount. Use digits, like %(example)s.")
            % {"shown": shown, "example": _example(places, loc)}
        )
    if sum(ch.isdigit() for ch in body) > _MAX_DIGITS:
        raise AmountError(_("That amount is too large."))

    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    number = _normalise(body, group)
    # Digits, the locale's grouping symbol between them, then at most one
    # decimal symbol followed by digits. Babel then checks the groups.
    grammar = rf"[0-9]+(?:{re.escape(group)}[0-9]+)*(?:{re.escape(decimal)}([0-9]+))?"
    match = re.fullmatch(grammar, number)
    if not match:
        raise _not_here(shown, body, currency, places, loc)
    try:
        value = parse_decimal(number, loc, strict=True)
    except NumberFormatError:
        raise _not_here(shown, body, currency, places, loc) from None

    fraction = match.group(1) or ""
    if len(fraction) > places:
        if not places:
            raise AmountError(_("%(currency)s amounts have no decimal places.") % {"currency": currency})
        raise AmountError(
            _("%(currency)s amounts have at most %(places)d decimal places.") % {"currency": currency, "places": places}
        )
    if not fraction and number.count(group) == 1 and group in _DECIMAL_LOOKING:
        # "1,234" KWD at an en-US desk: 1234 here, 1.234 where "," is the decimal
        # point, and both are KWD amounts. Grouping is optional, so ask for none.
        head, _sep, tail = number.partition(group)
        if len(tail) <= places:
            raise _could_mean(shown, Decimal(head + tail), Decimal(f"{head}.{tail}"), currency, places, loc)
    if negative:
        raise AmountError(_("The amount cannot be negative."))
    with localcontext() as ctx:
        ctx.prec = _MAX_DIGITS + 10
        cents = int(value.scaleb(places))
    if cents > MAX_CENTS:
        raise AmountError(_("That amount is too large."))
    return cents


def _currency_spacing(text: str, symbol: str) -> str:
    """CLDR currencySpacing, which Babel leaves out: a no-break space between a letter symbol and a digit.

    'KWD1,234.500' -> 'KWD 1,234.500'; '$1.00' and '1,00 €' are unchanged.
    """

    def letters(ch: str) -> bool:
        return not unicodedata.category(ch).startswith(("S", "Z"))

    if symbol and letters(symbol[-1]):
        text = re.sub(rf"{re.escape(symbol)}(?=[0-9])", symbol + "\u00a0", text)
    if symbol and letters(symbol[0]):
        text = re.sub(rf"(?<=[0-9]){re.escape(symbol)}", "\u00a0" + symbol, text)
    return text


def format_amount(cents: int | None, currency: str, *, symbol: bool = True, locale=None) -> str:
    """123450, 'USD' -> '$1,234.50' in en-US, '1.234,50 $' in de; symbol=False -> '1234.50' for an input field.

    Without the symbol there is no grouping, so the text reads back through
    `parse_amount` in the same locale for every currency.
    """
    if cents is None:
        return ""
    return _formatted(int(cents), currency.upper(), symbol, _locale(locale))


# A pure function of its arguments (CLDR data does not change while we run): the same price on
# every row, the same totals on every visit are formatted once per process.
@functools.lru_cache(maxsize=4096)
def _formatted(cents: int, currency: str, symbol: bool, loc: Locale) -> str:
    places = exponent(currency)
    value = _units(cents, places)
    if not symbol:
        return _input_text(value, places, loc)
    return _currency_spacing(format_currency(value, currency, locale=loc), get_currency_symbol(currency, loc))


@dataclass(frozen=True)
class InputHints:
    """How an amount field reads, for a page that fills one in or explains it."""

    decimal: str  # the locale's decimal symbol
    exponent: int  # the currency's minor units
    example: str  # twelve fifty as this field wants it: "12.50", "12,50", "1250" (JPY)


def input_hints(currency: str, *, locale=None) -> InputHints:
    where = _locale(locale)
    places = exponent(currency)
    return InputHints(decimal=get_decimal_symbol(where), exponent=places, example=_example(places, where))
