"""The owner's rules as people read them: each trigger, condition and action in words."""
