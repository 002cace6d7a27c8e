"""Translations of the interface: the .ts source and compiled .qm of each language, and the tools that build them.
After changing strings: `python -m desktop.ui.i18n.fill desktop/ui/i18n/en_table.py` (runs the extractor too)."""
