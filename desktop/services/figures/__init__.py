"""The day's figures: indicators, progress against targets, and the end-of-day close.

- `indicators`: which events count for which indicator, per day, point and village;
- `progress`: progress against the commune's targets;
- `village_targets`: targets per village;
- `dayclose`: the end-of-day close that turns this laptop's events into a signed report revision;
- `report_settings`: the unit's names and signatures printed on reports.
"""
