"""Scheduled sweeps: APScheduler triggers them; each claims what is due in the database."""
