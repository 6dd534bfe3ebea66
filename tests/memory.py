"""The peak memory of one streamed download, for the tests that prove an export holds one API page, not the event.

Measured with tracemalloc around the whole request, the sandbox serving it in
this same process included (it, too, must answer page by page).

Both ends run in this process, and the ORM's objects free through reference
cycles, which wait for Python's cyclic collector: left alone, the peak
measures when the collector got round to it (2 to 8 MB, at random). So the
collector runs at each API page, and the peak is what is really held.

A full collection walks every object the process holds (Django, the test run:
~150,000), ~0.25 s a time here, at each of hundreds of pages: that was most of
these tests' minutes. What existed before the download cannot be what it
allocates (tracemalloc did not see it made), so it is frozen out of the walk
(gc.freeze) while a download is measured: on 2,000 orders the peak was
1,184,597 B without the freeze and 1,184,255 B with it, in 5.1 s instead of 9.3 s.
"""

import gc
import tracemalloc

from boxoffice.brightstar import client as bs_client


def collect_at_each_page(monkeypatch) -> None:
    """From now on, run the cyclic collector before each exchange with BrightStar."""
    real = bs_client._request

    def collecting(method, path, **kwargs):
        gc.collect()
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", collecting)


def streamed(client, url: str) -> tuple[int, int]:
    """(peak bytes allocated while the response was made and read, bytes of the file)."""
    gc.freeze()
    tracemalloc.start()
    try:
        response = client.get(url)
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    return peak, size
