"""The top bar's environment: what every page shows, costing nothing where it is not shown."""

import pytest

from boxoffice.web import health

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PAGE = "/audit/"  # the organizer's page that asks BrightStar nothing
PILL = "BrightStar degraded"


@pytest.fixture
def degraded_reads(monkeypatch) -> list[bool]:
    """Each answer the pill's cache read gave, the real one (only counted)."""
    answers: list[bool] = []
    real = health.is_degraded

    def counted(**kwargs) -> bool:
        answers.append(real(**kwargs))
        return answers[-1]

    monkeypatch.setattr(health, "is_degraded", counted)
    return answers


def test_a_page_reads_the_pill_once_and_shows_it_when_degraded(client_as, degraded_reads):
    organizer = client_as("organizer")
    assert PILL not in organizer.get(PAGE).content.decode()
    for _ in range(health.DEGRADED_AFTER):
        health.record_failure()
    assert PILL in organizer.get(PAGE).content.decode()
    assert degraded_reads == [False, True]


def test_an_htmx_fragment_reads_nothing_for_the_pill(client_as, degraded_reads):
    response = client_as("organizer").get(PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<header" not in response.content.decode()
    assert degraded_reads == []
