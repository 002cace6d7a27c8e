"""The contract between laptop and hub: the one definition of the `indicators`, report schema (`protocol`),
input `limits`, device signatures (`signing`), the USB file (`bundle`), the sender (`client`, draining an `outbox_port`, its `failures` in
words, and the `link_policy` of both senders: when to probe and when to try again), files for no link at all (`offline`), phone `daycode`s, the hub's key (`hubkey`) and the commune
list (`communes`). Imports neither `desktop` nor `province`.
"""
