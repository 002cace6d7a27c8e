"""Menu items outside the main window's own: printing, sync, audit trail, login. Each module has an
`install(shell)`; `desktop/ui/menus.py` lists them explicitly."""
