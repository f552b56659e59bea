"""Admin pages for webhook endpoints (/admin/webhooks): register, edit, turn off and on, test, delivery log, redeliver."""
