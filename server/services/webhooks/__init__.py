"""Webhooks (docs/webhooks.md): events written in the transaction of their change, then delivered, signed, by the job queue."""
