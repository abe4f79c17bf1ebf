"""What people see, by feature: texts, keyboards and button data. Handlers and the outbox
sender both render through it; it reads services and knows nothing of the bot or handlers."""
