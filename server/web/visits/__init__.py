"""Visit pages: one visit with its photos, and the admins' review queue and decisions."""
