"""A deal: its card, its buttons and their data, lists of deals and the pickers on the card."""
