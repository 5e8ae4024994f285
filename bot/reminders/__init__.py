"""Release reminders: subscriptions, planning, and the dispatcher that posts each one exactly once."""
