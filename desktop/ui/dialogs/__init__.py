"""Dialogs: login and first supervisor, first run, walk-in, print preview, day/point picker, bug report.
Like views, they read through `app.read` and write through the runner."""
