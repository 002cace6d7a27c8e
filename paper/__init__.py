"""The A4 page both programs print on: layout, fonts, numbered canvas, administrative headings.

`fonts` registers the shipped Be Vietnam Pro TTFs (OFL, in `fonts/`) with ReportLab; `layout` holds the
canvas helpers (NFC text, cached measuring, wrapping, centred lines, the two-column state heading, "Trang x/y"
page numbering); `headings` holds the Decree 30/2020 wording of an administrative paper (unit names, place
and date, number, recipients, "Nơi nhận"). The laptop's printouts (`desktop.printing`) and the hub's reports
both build on it, so it imports nothing of `desktop`, `province` or `sync`, and no Qt (an import-linter
contract); the date wording itself is `common.paper`, pure rules both sides share.
"""
