"""The domain layer, Qt-free, by area (each package's `__init__` names its modules):

- `register/`: citizens, statuses and their rules, the row rules, villages, points (the bottom);
- `due/`: who needs what by law, and the queue search;
- `importer/`: reading CSV/XLSX/legacy encodings into register rows;
- `peer/`: laptops of one commune: change log, merge, LAN and USB transports;
- `province_link/`: hub link, offline files, outbox;
- `figures/`: indicators, progress, village targets, day close;
- `scheduling/`: sessions, booking, auto-assign, appointment codes, check-in;
- `documents/`: printouts and spreadsheets (the data; `desktop.printing` draws them);
- `auth`: officers, PINs and roles; `demo`: the demo commune;
- `start_facts`: what the start reads before the login dialog (language, commune set, a supervisor, the
  officers' names), over a bare DB-API connection, so the dialog paints before SQLAlchemy is imported.

Plain functions over a SQLAlchemy Session; the read paths of `enrollpoint search` and `status` also over a
bare DB-API connection (`due.search.search_rows`, `due.citizen_status`), so those commands start without
SQLAlchemy, and so does the GUI up to its login dialog (`start_facts`). The layers between the areas are import-linter contracts in pyproject.toml.
"""
