"""Plumbing every screen shares: the operation runner (`runner`), the AppContext read path (`context`),
translations (`lang`, `labels`), error messages (`errors`, `excepthook` for uncaught ones, `sync_words` for the province link's failures in
the app's words), the PySide
reference work-arounds (`qtrefs`, `combo`), the items of cells our own code filled (`cells`), a small
chart (`chart`), sending by itself when the link returns (`autosend`), windows fitted to the screen (`fit`),
the main window's remembered size and side panels (`placement`), accent-free completion (`completer`), rows
that wrap (`flow`), tables whose columns fit their width (`columns`), numbers as each language writes them (`numbers`), Ctrl+End to a paged table's real last
row (`table_end`), work before any window runs off the UI thread under a dialog (`startup_work`), this laptop's LAN addresses for serving peer sync (`lan_addresses`) and the sender's
failures in the app's words (`sync_words`)."""
