"""Peer sync between the laptops of one commune (docs/peer-sync.md):

- `ids`, `hlc`: global ids, this laptop's device id, the change-log clock that cannot overflow;
- `spec`: what is shared per kind of record; `fields`: each shared field's type and range, checked before a
  merge; `stamp`: local changes → change-log entries;
- `changes`: what a laptop holds (version vector) and what another lacks, in pages;
- `merge`, `rows`, `state`: applying entries from other laptops, row helpers, statuses rebuilt in one order;
- `group`, `crypto`: the group, its secret and code, sealed messages; `exchange`: the page format;
- `lan`, `usbfile`: the two transports; `unfinished`: a USB import cut half-way;
- `clones`: two databases with one device id; `forks`: what a clone left on the other laptops and how it is
  dropped; `filetips`: a USB file's tips and bases, so an import never withholds entries unsaid; `signing`:
  each laptop's key, the hash chain over its entries and its signed checkpoints, verified on arrival whoever
  relays them; `status`: what `peer status` and the panel show.
"""
