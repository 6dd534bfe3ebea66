"""The soak reads back what each refund's notice told staff: every wording the order page uses, every currency."""

import pytest

from boxoffice.web.feedback import refund_done, refund_replayed
from soak.people import told_amount


@pytest.mark.parametrize(
    ("shown", "places", "expected"),
    [("$12.50", 2, 1250), ("€2.94", 2, 294), ("£1,826.00", 2, 182600), ("¥1,951", 0, 1951)],
)
def test_every_done_notice_names_the_amount_the_soak_reads(shown, places, expected):
    assert told_amount(refund_done(amount=shown, voided=0, left="$0.00"), places) == expected
    assert told_amount(refund_done(amount=shown, voided=2, left="$0.00"), places) == expected
    # A lost answer's resend, answered as a replay (the soak's "lost" fault): the same refund, told again.
    assert told_amount(refund_replayed(amount=shown), places) == expected


def test_a_notice_without_an_amount_is_read_as_none():
    assert told_amount("Not confirmed: BrightStar did not answer.") is None
