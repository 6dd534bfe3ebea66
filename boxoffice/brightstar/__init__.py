"""The BrightStar SDK: the dashboard's only way to the API, and the bottom of the house.

    client.py     transport, the retry loop, `send` for mutations
    retry.py      when to try again, how long to wait (pure)
    errors.py     the exception tree; the one response -> exception function
    resources.py  frozen dataclasses from the API's JSON; `Sent` for what a mutation did
    events.py orders.py attendees.py   one function per API call

It knows Django's settings and nothing else of the dashboard: no models, no
audit, no cache. Import-linter holds that line (pyproject.toml).
"""
