"""The commune register: who lives here and what happened to them; the bottom of the services.

- `citizens`: add, edit and look up one citizen (forms, walk-ins) through the row rules;
- `rows`: the citizen row as the services read it (`CitizenRow`), dates from storage;
- `record`, `validate`, `cells`, `types`: the row rules shared by import, forms and peer sync (field labels,
  derived keys, validation of one row, cell cleaning, issues);
- `statuses`, `status_rules`: status events, the state machine and its words;
- `village_names`: village spellings and which village a report may name;
- `points`: the commune's mobile enrollment points;
- `commune`: which commune this laptop serves (first run and `enrollpoint init` alike).
"""
