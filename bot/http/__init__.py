"""The HTTP side: /healthz and the JSON API under /api/v1 (website leads, phone-system calls,
contracts), with its OpenAPI document built from the same request models it validates with."""
