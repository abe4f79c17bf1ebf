"""The owner's rules: when something happens to a deal (a trigger), if all conditions hold, do
the actions in order. One evaluation path (`services.rules.engine.fire`) for every source: a
service's change (in its transaction), a sweep's due moment, an API call."""
