"""The contract between laptop and hub: report schema (`protocol`), device signatures (`signing`), the USB
file (`bundle`), the sender (`client`) and the commune list. Imports neither `desktop` nor `province`.
"""
