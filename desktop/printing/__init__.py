"""Printed documents (ReportLab): appointment slips, village lists, the daily report.

`data` holds the input dataclasses; `slips`, `village_list` and `daily_report` are pure builders
(dataclasses in, PDF bytes out); `fonts` registers the shipped Be Vietnam Pro TTFs (OFL); `layout` and
`text` hold the shared drawing helpers and wording; `qrcode` draws the slip's QR. The database side is
`desktop/services/documents/printouts.py`.
"""
