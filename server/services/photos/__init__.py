"""Photos: resumable uploads, budgets and quotas, body checks, renditions and storage clean-up."""
