"""The columns of the tidy indicator table, the project's stable contract.

Every indicator function returns rows with these columns, and ``indicateurs.csv`` is written
with them, in this order (see ``docs/indicateurs.md``).
"""

TIDY_COLUMNS = [
    "territoire_code",
    "territoire",
    "indicateur",
    "valeur",
    "unite",
    "source",
    "millesime",
]
