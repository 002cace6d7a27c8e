"""Dialogs: `login` (and the first supervisor), `first_run`, `walk_in`, `print_preview`, `day_point` (day and
point picker), `day_close` (the day and point with the figures the reports will carry), `day_code` (a closed day as a phone code), `enrol_by_file`, `enrol_first` (what
needs an enrolled laptop says so first, with the button that enrols), `report_recipients`,
`village_target`, and `error` (a known failure in words, a bug with its traceback).
Like views, they read through `app.read` and write through the runner."""
