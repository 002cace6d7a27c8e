"""The main window's screens (queue, schedule, check-in, progress) and the audit and sync panels.
Views read through `app.read(service_fn, ...)` and write through operations; they never open sessions."""
