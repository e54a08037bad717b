"""Read-only JSON for integrations: topic lists, a topic with its posts, a study, and search.

Every endpoint shows exactly what the HTML pages show the same user (anonymous callers see what
a signed-out visitor sees). Described in docs/openapi.yaml, served at /api/openapi.yaml.
"""
