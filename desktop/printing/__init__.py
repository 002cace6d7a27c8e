"""The laptop's printed documents (ReportLab): appointment slips, village lists, due lists, the daily report.

`data` holds the input dataclasses; `slips`, `village_list`, `due_list` and `daily_report` are pure builders
(dataclasses in, PDF bytes out); `text` holds the laptop's wording (purposes, what to bring, slots); `qrcode`
draws the slip's QR. The page itself — fonts, layout helpers, the numbered canvas and the Decree 30
headings — is the top-level `paper` package, which the hub may import too. The database side is
`desktop/services/documents/printouts.py`.
"""
