"""Plumbing every screen shares: the operation runner (`runner`), the AppContext read path (`context`),
translations (`lang`, `labels`), error messages (`errors`, `excepthook` for uncaught ones, `sync_words` for the province link's failures in
the app's words), the PySide
reference work-arounds (`qtrefs`, `combo`), the items of cells our own code filled (`cells`), a small
chart (`chart`), Ctrl+End to a paged table's real last row (`table_end`), this laptop's
LAN addresses for serving peer sync (`lan_addresses`) and sending by itself when the link returns (`autosend`)."""
