"""The PySide6 desktop interface: `controller` (the one controller), `main_window` and `shell` (what menu
installers see of it); `support/` (runner, read path, Qt helpers), `operations/` (background work), `views/`,
`dialogs/`, `actions/` (menu items) and `menus` (their list); `i18n/` (translations)."""
