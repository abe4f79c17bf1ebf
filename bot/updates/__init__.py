"""Updates in: the inbox that keeps them before they are acknowledged, polling and the webhook."""
