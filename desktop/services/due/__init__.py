"""Who needs what, by law, and the queue that lists them.

- `rules`: who is due for a card, a renewal or VNeID on a day, and the SQL filter for it;
- `kinds`: the kinds of due (card, renewal, VNeID registration, activation);
- `citizen_status`: one citizen's state and what is due for them, for panels and check-in;
- `search`: search and the queue listing (diacritic-insensitive, keyset paging).
"""
