"""Plumbing every screen shares: the operation runner (`runner`), the AppContext read path (`context`),
translations (`lang`), error messages (`errors`), the PySide reference work-arounds (`qtrefs`, `combo`),
the items of cells our own code filled (`cells`)."""
