"""Parley's own date formats, where Django's for a language differ from how Parley shows
dates (FORMAT_MODULE_PATH reads these first, then Django's)."""
