"""Outgoing e-mail (docs/email.md): a transactional outbox, composing from templates, and delivery by the job queue."""
