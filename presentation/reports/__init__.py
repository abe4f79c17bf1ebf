"""Reports and digests: texts, charts, export labels, their buttons and the owner's settings."""
