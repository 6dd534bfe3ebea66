"""What the benchmarks and the soak share: a throwaway stack on loopback, and a staff member's browser.

servers.py     gunicorn processes: start, wait until listening, stop; a time limit
stack.py       Stack: a fresh run directory, seeded, its servers (sandbox, dashboard, floor)
connection.py  Connection: one keep-alive HTTP connection, cheap on the client side
browser.py     Browser: a cookie jar and the CSRF token htmx sends, on one Connection
"""
