"""The Kivy phone app: the App owns store, account and sync; kv files lay out one thin screen per module."""
