"""Sync: the push of visits, the pull of changes and snapshots, and the change log behind them."""
