"""Plumbing every screen shares: the operation runner (`runner`), the AppContext read path (`context`),
translations (`lang`, `labels`), error messages (`errors`, `excepthook` for uncaught ones), the PySide
reference work-arounds (`qtrefs`, `combo`), the items of cells our own code filled (`cells`), a small
chart (`chart`), sending by itself when the link returns (`autosend`), windows fitted to the screen (`fit`),
the main window's remembered size and side panels (`placement`), accent-free completion (`completer`), rows
that wrap (`flow`) and numbers as each language writes them (`numbers`)."""
