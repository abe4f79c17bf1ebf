"""The outbox sender: claim a chat's rows → merge → the send budget → send → record; one renderer
per outbox kind."""
