"""The dashboard's only way to BrightStar: client, errors, resources, services.

Views import `services` (the verbs) and `errors` (what can go wrong);
nothing outside this package imports `requests` (an import-linter contract
holds that line).
"""
