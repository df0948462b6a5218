"""Write ``adherents/exemple_adherents.csv`` from the synthetic demonstration extract.

Run from the project root, after ``ressol data build``::

    .venv/bin/python adherents/make_example.py [RACINE [FICHIER]]

(by default the project holding this script, and ``adherents/exemple_adherents.csv`` in it).
The example picks, with a seeded random generator, fictitious units of the demonstration
extract of Centre Manche for each case that ``adherents/README.md`` lists (SIRET, SIREN, names,
a name to check, a name not found, a member outside the ESS, a closed unit). The same extract
gives the same file. The script then matches the file it wrote and stops with an error unless
each line gets the status its case expects; the file is replaced only then.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ressol_analysis import ess
from ressol_analysis.context import load
from ressol_analysis.network_matching import FOUND, NOT_FOUND, REVIEW, match_members
from ressol_analysis.sources.members import read_members, siren_is_valid, siret_is_valid

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "adherents" / "exemple_adherents.csv"
TERRITORY = "centre-manche"
SEED = 20261204
FAMILY_WORD = {
    "associations": "Association",
    "cooperatives": "Coopérative",
    "mutuelles": "Mutuelle",
    "fondations": "Fondation",
}
SAINT_LO = "Saint-Lô"


def spaced(number: str) -> str:
    """``10016199600010`` → ``100 161 996 00010`` (as people type it)."""
    return " ".join([number[0:3], number[3:6], number[6:9], number[9:]]).strip()


def main(root: Path = ROOT, target: Path = TARGET) -> int:
    """Pick the example's members, write the file and check it; return the exit status."""
    diag = load(TERRITORY, str(root))
    if not diag.synthetic:
        print("Le stock Sirene n'est pas l'extrait de démonstration : rien n'est écrit.")
        return 2
    rng = np.random.default_rng(SEED)
    communes = diag.territory_communes.set_index("CODGEO")
    every = ess.select_area(diag.establishments, diag.membership, diag.territory.id)
    every = every.assign(EPCI=every["CODGEO"].map(communes["EPCI"]))
    sizes = every.groupby("siren")["siret"].transform("size")
    # The reader refuses a number whose check digit is wrong; the synthetic numbers are
    # sequential, so only some of them can be given as SIRET (or as SIREN).
    every = every.assign(
        siret_ok=every["siret"].map(siret_is_valid), siren_ok=every["siren"].map(siren_is_valid)
    )
    usable = every[ess.listable(every)].sort_values("siret")
    single = usable[sizes[usable.index] == 1]
    employers = single[single["ess"] & single["employeur"]]
    used: set[str] = set()

    def pick(pool: pd.DataFrame) -> pd.Series:
        pool = pool[~pool["siren"].isin(used)]
        row = pool.iloc[int(rng.integers(len(pool)))]
        used.add(row["siren"])
        return row

    epcis = sorted(communes["EPCI"].unique())

    def employer(
        family: str, epci: str | None = None, commune: str | None = None, given: str = ""
    ) -> pd.Series:
        pool = employers[employers["famille"] == family]
        if given:
            pool = pool[pool[f"{given}_ok"]]
        if epci is not None:
            pool = pool[pool["EPCI"] == epci]
        if commune is not None:
            pool = pool[pool["CODGEO"] == commune]
        return pick(pool)

    saint_lo = communes.index[communes["LIBELLE"] == SAINT_LO][0]
    rows: list[dict[str, str]] = []

    def add(nom: str, siret: str = "", siren: str = "", commune: str = "", expect: str = FOUND):
        rows.append({"nom": nom, "siret": siret, "siren": siren, "commune": commune, "_": expect})

    def label(row: pd.Series) -> str:
        return f"{FAMILY_WORD[row['famille']]} démo {row['siren']} (exemple)"

    # SIRET: four establishments, one written with spaces and its commune.
    for family, epci, style in (
        ("associations", epcis[1], "plain"),
        ("cooperatives", epcis[2], "spaced"),
        ("fondations", None, "plain"),
        ("associations", epcis[0], "commune"),
    ):
        row = employer(family, epci, given="siret")
        siret = spaced(row["siret"]) if style == "spaced" else row["siret"]
        commune = communes.at[row["CODGEO"], "LIBELLE"] if style != "plain" else ""
        add(label(row), siret=siret, commune=commune)
    # SIREN: three units. (The few units of the extract with several establishments have no
    # valid check digit; the rule for them is tested on the hand-built extract of the tests.)
    row = employer("associations", epcis[2], given="siren")
    add(label(row), siren=row["siren"])
    row = employer("cooperatives", given="siren")
    add(label(row), siren=spaced(row["siren"]))
    row = employer("associations", epcis[0], given="siren")
    add(label(row), siren=row["siren"], commune=communes.at[row["CODGEO"], "LIBELLE"])
    # Names: with the commune's name, with its code, without a commune.
    row = employer("associations", commune=saint_lo)
    add(f"Association Démo {row['siren']}", commune=SAINT_LO)
    row = employer("cooperatives", epcis[0])
    add(f"COOPERATIVE DEMO {row['siren']}", commune=row["CODGEO"])
    row = employer("associations", epcis[1])
    add(f"Association démo {row['siren']}")
    # A name shortened beyond the threshold: to check, not counted.
    row = employer("associations")
    add(f"Assoc. démo {row['siren']}", commune=communes.at[row["CODGEO"], "LIBELLE"], expect=REVIEW)
    # A name that no unit of the commune carries.
    add("Les Amis du Bocage (exemple)", commune=SAINT_LO, expect=NOT_FOUND)
    # A member outside the ESS (a commercial company), found by its SIRET: counted as a member,
    # not in the coverage of the ESS.
    company = single[~single["ess"] & single["employeur"]]
    row = pick(company[company["categorieJuridiqueUniteLegale"].eq("5499") & company["siret_ok"]])
    add(f"Entreprise démo {row['siren']} (exemple, hors ESS)", siret=row["siret"])
    # A closed unit: its SIREN has no active establishment left in the territory.
    add_closed(diag, communes, rng, used, add)
    return write_and_check(diag, rows, target)


def add_closed(diag, communes: pd.DataFrame, rng, used: set[str], add) -> None:
    """A closed association of the territory, given by its SIREN (not found, with the reason)."""
    folder = diag.sirene_dir
    units = pd.read_parquet(
        folder / "StockUniteLegale_utf8.parquet",
        columns=["siren", "etatAdministratifUniteLegale", "categorieJuridiqueUniteLegale"],
    )
    sites = pd.read_parquet(
        folder / "StockEtablissement_utf8.parquet",
        columns=["siren", "codeCommuneEtablissement", "etatAdministratifEtablissement"],
    )
    closed = units[
        units["etatAdministratifUniteLegale"].eq("C")
        & units["categorieJuridiqueUniteLegale"].eq("9220")
        & units["siren"].map(siren_is_valid)
        & ~units["siren"].isin(used)
    ]
    here = sites[sites["codeCommuneEtablissement"].isin(communes.index)]
    active = set(here.loc[here["etatAdministratifEtablissement"] == "A", "siren"])
    pool = sorted(set(closed["siren"]) & set(here["siren"]) - active)
    siren = pool[int(rng.integers(len(pool)))]
    used.add(siren)
    add(f"Association démo {siren} (exemple, dissoute)", siren=siren, expect=NOT_FOUND)


def write_and_check(diag, rows: list[dict[str, str]], target: Path) -> int:
    """Write the file beside the target, match it, and replace the target if all is as planned."""
    handle, name = tempfile.mkstemp(suffix=".csv", dir=target.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["nom", "siret", "siren", "commune"])
        writer.writerows([r["nom"], r["siret"], r["siren"], r["commune"]] for r in rows)
    try:
        members = read_members(name)
        mine = ess.select_area(diag.establishments, diag.membership, diag.territory.id)
        matches = match_members(members, mine, diag.territory_communes, diag.sirene_passage)
        status = matches.drop_duplicates("ligne").set_index("ligne")["statut"]
        wrong = [
            f"ligne {line} : {status.get(line)} au lieu de {r['_']}"
            for line, r in enumerate(rows, start=2)
            if status.get(line) != r["_"]
        ]
        if wrong:
            print("L'exemple ne donne pas les cas prévus :\n" + "\n".join(wrong))
            os.unlink(name)
            return 1
    except BaseException:
        os.unlink(name)
        raise
    os.replace(name, target)
    print(f"Écrit : {target} ({len(rows)} adhérents)")
    return 0


if __name__ == "__main__":
    args = [Path(a).resolve() for a in sys.argv[1:3]]
    sys.exit(main(*args))
