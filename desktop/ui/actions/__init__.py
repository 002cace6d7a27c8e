"""Menu items outside the main window's own: `printing` (slips, lists, reports, Excel), `sync` (close a
day, send, enrol by file), `peers` (the commune's laptops), `audit` (the audit trail), `login` (who works at
the laptop), with the shared role checks in `roles`. Each module has an `install(shell)`;
`desktop/ui/menus.py` lists them explicitly."""
