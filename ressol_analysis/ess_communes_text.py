"""The ESS chapter's commune tables and map captions, with statistical secrecy.

The tables come from :func:`ressol_analysis.ess_communes.commune_table` (masked cells are missing);
here they are shown with « secret » in place of a masked figure, EPCI by EPCI, with the
unmasked total of each EPCI.
"""

from __future__ import annotations

import pandas as pd

from .ess_communes import SECRET_DOMINANCE, SECRET_MIN_COUNT
from .formatting import html_table, number, percent

SECRET_LABEL = "secret"
COMMUNES_SHOWN = 12
# The territory's unmasked totals written on the map.
MAP_TOTALS = ("ess_effectif_salarie_estime", "part_ess_effectif_salarie_estime")


def commune_display(
    table: pd.DataFrame, total: pd.Series | None = None, names: str = "LIBELLE"
) -> pd.DataFrame:
    """Commune table with secrecy shown as « secret », for :func:`formatting.html_table`.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`ressol_analysis.ess_communes.commune_table`, with a commune name column.
    total : Series, optional
        The unmasked total of the group (a row of ``Diagnostic.wide(KEY_INDICATORS)``, with
        ``territoire``), appended as a last row « Ensemble : … ».
    names : str
        Name of the commune name column.

    Returns
    -------
    DataFrame
        Text columns (French format), masked cells reading ``secret``; same row order.
    """

    def masked(values: pd.Series, secret: pd.Series, fmt) -> pd.Series:
        return values.map(fmt).where(~secret, SECRET_LABEL)

    share_secret = table["secret_ess"] | table["secret_total"]
    shown = pd.DataFrame(
        {
            "Commune": table[names],
            "Établissements employeurs": table["etablissements_employeurs"].map(number),
            "dont ESS": table["ess_etablissements_employeurs"].map(number),
            "Emplois estimés": masked(
                table["effectif_salarie_estime"], table["secret_total"], number
            ),
            "Emplois ESS": masked(
                table["ess_effectif_salarie_estime"], table["secret_ess"], number
            ),
            "Part ESS (emplois)": masked(
                table["part_ess_effectif_salarie_estime"], share_secret, percent
            ),
        }
    ).reset_index(drop=True)
    if total is None:
        return shown
    last = {
        "Commune": f"Ensemble : {total['territoire']}",
        "Établissements employeurs": number(total["etablissements_employeurs"]),
        "dont ESS": number(total["ess_etablissements_employeurs"]),
        "Emplois estimés": number(total["effectif_salarie_estime"]),
        "Emplois ESS": number(total["ess_effectif_salarie_estime"]),
        "Part ESS (emplois)": percent(total["part_ess_effectif_salarie_estime"]),
    }
    return pd.concat([shown, pd.DataFrame([last])], ignore_index=True)


def map_alt(name: str) -> str:
    """Alternative text of the map of the ESS by commune."""
    return (
        f"Carte des communes de {name} : cercles proportionnels aux emplois salariés estimés "
        "de l'ESS, sur un fond coloré selon la part de l'ESS dans l'emploi salarié estimé ; les "
        "communes soumises au secret statistique sont hachurées."
    )


def secrecy_intro(table: pd.DataFrame) -> str:
    """How to read the commune tables: how many communes have a secret figure.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.ess_communes.commune_table` for the territory.

    Returns
    -------
    str
        A Markdown paragraph.
    """
    secret = int((table["secret_ess"] | table["secret_total"]).sum())
    return (
        "Pour chaque intercommunalité, les communes qui comptent le plus d'établissements "
        "employeurs de l'ESS, puis le total de l'intercommunalité (ou du territoire), publié "
        "sans masque. Le mot « "
        "secret » remplace un chiffre couvert par le secret statistique : "
        f"{number(secret)} des {number(len(table))} communes du territoire ont au moins un "
        "chiffre masqué. Les nombres d'établissements ne sont jamais masqués."
    )


def commune_tables(
    table: pd.DataFrame, membership: pd.DataFrame, wide: pd.DataFrame, source: str, mark: str
) -> list[str]:
    """For each EPCI, its communes with the most ESS employers and its total, as HTML tables.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.ess_communes.commune_table` for the territory
        (``LIBELLE``).
    membership : DataFrame
        Areas and their communes (``niveau == "epci"`` rows give the EPCIs).
    wide : DataFrame
        ``Diagnostic.wide(KEY_INDICATORS)``: the unmasked totals of the EPCIs.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    list of str
        One HTML table per EPCI, in display order; a single table for the whole territory
        when it is one EPCI (or not made of EPCIs).
    """
    by_area = wide.set_index("territoire_code")
    epcis = membership[membership["niveau"] == "epci"].sort_values("ordre", kind="stable")
    if epcis.empty:
        epcis = membership[membership["niveau"] == "territoire"]
    tables = []
    for epci, communes in epcis.groupby("territoire_code", sort=False)["CODGEO"]:
        rows = table[table["CODGEO"].isin(set(communes))]
        top = rows.sort_values(
            ["ess_etablissements_employeurs", "etablissements_employeurs"],
            ascending=False,
            kind="stable",
        ).head(COMMUNES_SHOWN)
        name = by_area.at[epci, "territoire"]
        tables.append(
            html_table(
                commune_display(top, by_area.loc[epci]),
                {},
                title=f"{name} : les {len(top)} communes qui comptent le plus d'établissements "
                f"employeurs de l'ESS (sur {len(rows)})" + mark,
                source=source,
                note=f"« secret » : chiffre masqué (moins de {SECRET_MIN_COUNT} établissements, ou "
                f"un établissement qui fait plus de {percent(100 * SECRET_DOMINANCE, 0)} de "
                "l'emploi, ou masquage secondaire pour protéger une autre commune).",
            )
        )
    return tables
