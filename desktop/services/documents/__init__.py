"""Printouts and spreadsheets as data (printing/ draws them).

- `printouts`: slips, village lists and daily reports, ready to draw;
- `due_lists`: the due list for village heads;
- `export_xlsx`: spreadsheet exports (with the formula guard).
"""
