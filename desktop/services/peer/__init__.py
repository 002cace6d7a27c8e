"""Peer sync between the laptops of one commune: global ids and clocks, the change log, the
merge rules, the group secret and its encryption, the USB file and the LAN transport. See docs/peer-sync.md.
"""
