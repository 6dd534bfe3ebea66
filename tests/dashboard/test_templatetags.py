"""The status words of the desk's tables: filters in the staff member's language, not an include per row."""

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_status_words_are_translated_and_unknown_ones_shown_as_they_came():
    source = "{{ e|event_status }}|{{ o|order_status }}"
    assert render(source, e="draft", o="partially_refunded") == "Draft|Partially refunded"
    with translation.override("de"):
        assert render(source, e="draft", o="partially_refunded") == "Entwurf|Teilweise erstattet"
        assert render(source, e="cancelled", o="refunded") == "Abgesagt|Erstattet"
    assert render(source, e="archived", o="") == "Archived|"
