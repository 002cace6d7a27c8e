"""The PySide6 desktop interface: controller and main window here; `support/` (runner, read path, Qt helpers),
`operations/` (background work), `views/`, `dialogs/`, `actions/` (menu items) and `menus.py` (their list)."""
