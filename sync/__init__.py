"""The contract between laptop and hub: the one definition of the `indicators`, report schema (`protocol`),
input `limits`, device signatures (`signing`), the USB file (`bundle`), the sender (`client`, draining an `outbox_port`, its `failures` in
words), files for no link at all (`offline`), phone `daycode`s, the hub's key (`hubkey`) and the commune
list (`communes`). Imports neither `desktop` nor `province`.
"""
