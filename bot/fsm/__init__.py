"""Where conversation state is kept: the database with no Redis, Redis held until commit."""
