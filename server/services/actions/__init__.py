"""Corrective actions (docs/actions.md): raise them by hand or from approved visits, move them through their
statuses, assign, reschedule and comment; every change writes a history event, the activity log and a webhook event.
Nothing here commits: the caller's `atomic` block carries each use case."""
