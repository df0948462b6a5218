"""French findings and tables of the network chapter (``04_reseau``) of the report.

Pure functions. The chapter gives counts and shares only, never a name: its findings are written
from the numbers of :mod:`ressol_analysis.network`. The lists that name establishments are in
:mod:`ressol_analysis.network_lists`, for the network's working file only.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .ess_communes import SECRET_DOMINANCE, SECRET_MIN_COUNT
from .formatting import count, html_table, number, percent, points, short_path
from .labels import FAMILY_LABELS, SYNTHETIC_MARK, sentence_case
from .network_matching import (
    AMBIGUITY_MARGIN,
    FOUND,
    MATCH_THRESHOLD,
    NOT_FOUND,
    REVIEW,
    REVIEW_FLOOR,
    RULE_NAME,
    RULE_SIREN,
    RULE_SIRET,
)

# Groups (families, sectors) with fewer ESS employers are not quoted as « best covered »: one
# member among two employers is 50 % and says little.
MIN_GROUP = 5
COMMUNES_SHOWN = 10
FAMILY_ALT = (
    "Barres horizontales : pour chaque famille de l'ESS, le nombre d'établissements employeurs, "
    "en distinguant ceux qui appartiennent à un adhérent du réseau."
)
BOX = "border:3px solid {colour};background:{fill};padding:.8rem 1rem;margin:1rem 0;"


MAP_INTRO = (
    "## Carte : où le réseau est présent\n\n"
    "La couleur donne, pour chaque commune, la part de ses établissements employeurs de l'ESS "
    "qui appartiennent à un adhérent ; les cercles sont proportionnels au nombre de ces "
    "employeurs. Un grand cercle sur une commune claire signale beaucoup d'employeurs de l'ESS "
    "encore hors du réseau. Les nombres d'établissements ne sont pas soumis au secret "
    "statistique ; les emplois des adhérents, qui le sont, ne sont donnés commune par commune "
    "que là où les règles de la carte de l'ESS le permettent (tableau sous la carte)."
)


def chapter_title(network: str | None) -> str:
    """``# Le réseau RESSOL``: the chapter's title, from the territory's ``reseau`` key."""
    return f"# Le réseau {network}" if network else "# Le réseau et ses adhérents"


def _box(colour: str, fill: str, heading: str, paragraphs: list[str]) -> str:
    body = "".join(f'<p style="margin:0 0 .4rem">{p}</p>' for p in paragraphs)
    return (
        f'<div style="{BOX.format(colour=colour, fill=fill)}border-radius:4px">'
        f'<p style="margin:0 0 .4rem;color:{colour};font-size:1.15rem;font-weight:bold">'
        f"{heading}</p>{body}</div>"
    )


def data_banner(synthetic: bool, members_file: str | None, territory: str, yaml_path: str) -> str:
    """HTML banner: no members file (and how to give one), or the data the chapter uses.

    Parameters
    ----------
    synthetic : bool
        Whether the SIRENE establishments are the synthetic demonstration extract.
    members_file : str or None
        Name of the members file, ``None`` when the run has none.
    territory : str
        Territory id, quoted in the command line.
    yaml_path : str
        The territory's YAML file, where the ``adherents:`` key can be set.

    Returns
    -------
    str
        Without a members file, a framed explanation of what to provide (nothing else of the
        chapter is computed); on synthetic data, the red demonstration warning; otherwise a
        discreet line naming the file.
    """
    command = f"ressol report --territory {escape(territory)} --adherents FICHIER"
    if members_file is None:
        return _box(
            "#1b6f8a",
            "#eef4f7",
            "Aucun fichier des adhérents n'est fourni pour ce territoire",
            [
                "Ce chapitre ne peut donc pas mesurer la part de l'ESS du territoire que le "
                "réseau rassemble déjà : aucun chiffre n'est donné ici.",
                "Pour l'obtenir : préparer un tableau (CSV en UTF-8, ou classeur Excel) avec une "
                "ligne par adhérent et au moins la colonne <code>nom</code> ; ajouter si possible "
                "<code>siret</code> (le plus sûr), <code>siren</code> et <code>commune</code>. "
                f"Puis lancer <code>{command}</code>, ou indiquer ce fichier sous la clé "
                f"<code>adherents:</code> du fichier <code>{escape(short_path(yaml_path))}</code>.",
                "Le format, les règles de rapprochement avec le répertoire Sirene et ce qui est "
                "compté sont décrits dans <code>docs/reseau.md</code> ; le fichier "
                "<code>adherents/exemple_adherents.csv</code> montre chaque cas (il ne décrit "
                "pas le réseau réel).",
            ],
        )
    if not synthetic:
        return (
            '<p class="note"><strong>Données :</strong> fichier des adhérents '
            f"<code>{escape(members_file)}</code> rapproché des établissements réels du "
            "répertoire Sirene.</p>"
        )
    return _box(
        "#b00020",
        "#fff4f4",
        f"⚠ {SYNTHETIC_MARK}",
        [
            "Les adhérents de ce chapitre (fichier "
            f"<code>{escape(members_file)}</code>) sont rapprochés d'un <strong>extrait fictif"
            "</strong> au format officiel de la base Sirene : les chiffres, la carte et les "
            "tableaux qui suivent <strong>ne décrivent pas le réseau réel</strong> et ne "
            "doivent pas être cités.",
            "Pour le vrai chapitre : le vrai fichier des adhérents et les fichiers stock de "
            f"l'Insee, <code>{command} --sirene DOSSIER</code>.",
        ],
    )


def _employers_sentence(found: int, with_employer: int) -> str:
    """How many members found have an ESS employer establishment (what coverage counts)."""
    if with_employer == found:
        who = (
            f"Les {number(found)} adhérents retrouvés ont tous"
            if found > 1
            else ("L'adhérent retrouvé a")
        )
    else:
        who = f"{number(with_employer)} des {number(found)} adhérents retrouvés " + (
            "ont" if with_employer > 1 else "a"
        )
    sentence = (
        f"{who} au moins un établissement employeur de l'ESS : ce sont eux que mesure la "
        "couverture ci-dessous."
    )
    others = found - with_employer
    if others > 1:
        sentence += (
            f" Les {number(others)} autres (sans salarié déclaré, ou hors de l'ESS) restent des "
            "adhérents, sans entrer dans ces parts."
        )
    elif others == 1:
        sentence += (
            " L'autre (sans salarié déclaré, ou hors de l'ESS) reste un adhérent, sans entrer "
            "dans ces parts."
        )
    return sentence


def _listing(items) -> str:
    """``A``, ``A et B``, ``A, B et C``."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def members_summary(matches: pd.DataFrame, flagged: pd.DataFrame, file_name: str) -> list[str]:
    """What became of the members file: found (and how), to check, not found.

    Parameters
    ----------
    matches : DataFrame
        Output of :func:`ressol_analysis.network_matching.match_members`.
    flagged : DataFrame
        Output of :func:`ressol_analysis.network.flag_members`.
    file_name : str
        Name of the members file.

    Returns
    -------
    list of str
        French sentences (Markdown), no member named.
    """
    lines = matches.drop_duplicates("ligne")
    status = lines["statut"].value_counts()
    found = lines[lines["statut"] == FOUND]
    rules = found["regle"].value_counts()
    how = [
        f"{number(rules[rule])} par leur {label}"
        for rule, label in ((RULE_SIRET, "SIRET"), (RULE_SIREN, "SIREN"), (RULE_NAME, "nom"))
        if rules.get(rule, 0)
    ]
    employers = flagged[flagged["adherent"] & flagged["employeur"] & flagged["ess"]]
    with_employer = employers["adherent_ligne"].nunique()
    n_found, n_review = int(status.get(FOUND, 0)), int(status.get(REVIEW, 0))
    n_missing = int(status.get(NOT_FOUND, 0))
    sentences = [
        f"Le fichier des adhérents (`{file_name}`) compte "
        f"{count(len(lines), 'adhérent', 'adhérents')} ; "
        f"{number(n_found)} {'sont retrouvés' if n_found > 1 else 'est retrouvé'} parmi les "
        "établissements actifs du territoire" + (f" ({', '.join(how)})." if how else "."),
    ]
    if n_review:
        sentences.append(
            f"{count(n_review, 'adhérent', 'adhérents')} "
            f"{'sont' if n_review > 1 else 'est'} à vérifier : "
            "le nom ressemble à celui d'un établissement, sans certitude. "
            + (
                "Ils ne sont pas comptés tant que le fichier ne donne pas leur SIRET."
                if n_review > 1
                else "Il n'est pas compté tant que le fichier ne donne pas son SIRET."
            )
        )
    if n_missing:
        sentences.append(
            count(n_missing, "adhérent", "adhérents")
            + (" ne sont pas retrouvés" if n_missing > 1 else " n'est pas retrouvé")
            + " (nom absent de la commune indiquée, SIREN sans établissement actif dans le "
            "territoire…)."
        )
    if n_found:
        sentences.append(_employers_sentence(n_found, with_employer))
    sentences.append(
        "La liste nominative (adhérents à vérifier ou non retrouvés, employeurs de l'ESS qui ne "
        "sont pas adhérents) est dans le fichier de travail du réseau, produit par "
        "`ressol reseau` : document interne, il n'est pas joint à ce rapport."
    )
    return sentences


def _coverage_columns(table: pd.DataFrame, first: dict[str, str]) -> pd.DataFrame:
    """French columns of a coverage table, after the columns named in ``first``."""
    shown = pd.DataFrame({title: table[column] for column, title in first.items()})
    return shown.assign(
        **{
            "Employeurs de l'ESS": table["ess_etablissements_employeurs"],
            "dont adhérents": table["reseau_ess_etablissements_employeurs_adherents"],
            "Part des employeurs": table["part_reseau_ess_etablissements_employeurs"],
            "Emplois de l'ESS (estimés)": table["ess_effectif_salarie_estime"],
            "dont chez les adhérents": table["reseau_ess_effectif_salarie_estime"],
            "Part des emplois": table["part_reseau_ess_effectif_salarie_estime"],
        }
    ).reset_index(drop=True)


COVERAGE_FORMATS = {
    "Adhérents": number,
    "Employeurs de l'ESS": number,
    "dont adhérents": number,
    "Part des employeurs": percent,
    "Emplois de l'ESS (estimés)": number,
    "dont chez les adhérents": number,
    "Part des emplois": percent,
}


def area_html(coverage: pd.DataFrame, source: str, mark: str) -> str:
    """Coverage of the territory and of each EPCI, as an HTML table.

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_area`.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        One row per area, shares in percent of the area's ESS employers (or ESS jobs).
    """
    table = _coverage_columns(coverage, {"territoire": "Zone", "reseau_adherents": "Adhérents"})
    return html_table(
        table,
        COVERAGE_FORMATS,
        title="La part de l'ESS que rassemble le réseau, territoire et intercommunalités" + mark,
        source=source,
        note="Emplois estimés au centre de la tranche d'effectifs de chaque établissement. Un "
        "adhérent présent dans deux intercommunalités compte dans chacune.",
    )


def coverage_findings(coverage: pd.DataFrame, territory: str) -> list[str]:
    """Three or four sentences on how much of the ESS the network gathers, and where.

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_area` (territory first).
    territory : str
        Code of the territory.

    Returns
    -------
    list of str
        French sentences, figures in French format.
    """
    rows = coverage.set_index("territoire_code")
    t = rows.loc[territory]
    share_est = t["part_reseau_ess_etablissements_employeurs"]
    share_jobs = t["part_reseau_ess_effectif_salarie_estime"]
    findings = [
        f"Les adhérents retrouvés comptent {count(t['reseau_ess_etablissements_employeurs_adherents'], 'établissement employeur', 'établissements employeurs')} "  # noqa: E501
        f"de l'ESS, sur les {number(t['ess_etablissements_employeurs'])} du territoire : le "
        f"réseau rassemble {percent(share_est)} des employeurs de l'ESS de {t['territoire']}.",
        f"Ces établissements emploieraient environ "
        f"{number(t['reseau_ess_effectif_salarie_estime'])} salariés, soit "
        f"{percent(share_jobs)} des emplois salariés estimés de l'ESS du territoire.",
    ]
    if pd.notna(share_est) and pd.notna(share_jobs) and abs(share_jobs - share_est) >= 0.5:
        findings.append(
            f"La part du réseau est plus forte dans l'emploi que dans le nombre d'employeurs "
            f"({points(share_jobs - share_est)} d'écart) : les adhérents sont en moyenne de plus "
            "grands employeurs que les autres structures de l'ESS."
            if share_jobs > share_est
            else "La part du réseau est plus faible dans l'emploi que dans le nombre "
            f"d'employeurs ({points(share_jobs - share_est)} d'écart) : les adhérents sont en "
            "moyenne de plus petits employeurs que les autres structures de l'ESS."
        )
    epcis = rows.drop(index=territory)
    epcis = epcis[epcis["ess_etablissements_employeurs"] > 0]
    if len(epcis) > 1:
        low = epcis["part_reseau_ess_etablissements_employeurs"].idxmin()
        high = epcis["part_reseau_ess_etablissements_employeurs"].idxmax()
        findings.append(
            "Par intercommunalité, la part des employeurs de l'ESS qui sont adhérents va de "
            f"{percent(epcis.at[low, 'part_reseau_ess_etablissements_employeurs'])} "
            f"({epcis.at[low, 'territoire']}) à "
            f"{percent(epcis.at[high, 'part_reseau_ess_etablissements_employeurs'])} "
            f"({epcis.at[high, 'territoire']})."
        )
        others = (
            epcis["ess_etablissements_employeurs"]
            - epcis["reseau_ess_etablissements_employeurs_adherents"]
        )
        most = _listing(epcis.loc[others == others.max(), "territoire"])
        findings.append(
            f"C'est dans {most} que les employeurs de l'ESS non adhérents sont les plus "
            f"nombreux : {number(others.max())}"
            + (" chacune." if (others == others.max()).sum() > 1 else ".")
        )
    return findings


def _group_findings(table: pd.DataFrame, label: str, best_words: str) -> list[str]:
    """Best covered group, largest pool of non-members, groups without any member."""
    groups = table[table["ess_etablissements_employeurs"] > 0]
    findings = []
    sizeable = groups[groups["ess_etablissements_employeurs"] >= MIN_GROUP]
    covered = sizeable[sizeable["reseau_ess_etablissements_employeurs_adherents"] > 0]
    if not covered.empty:
        shares = covered["part_reseau_ess_etablissements_employeurs"]
        best = covered[shares == shares.max()]
        findings.append(
            f"{best_words} : "
            + _listing(
                f"{row[label]}, avec "
                f"{count(row['reseau_ess_etablissements_employeurs_adherents'], 'employeur adhérent', 'employeurs adhérents')} "  # noqa: E501
                f"sur {number(row['ess_etablissements_employeurs'])}"
                for _, row in best.iterrows()
            )
            + f" ({percent(shares.max())})."
        )
    others = (
        groups["ess_etablissements_employeurs"]
        - groups["reseau_ess_etablissements_employeurs_adherents"]
    )
    if not others.empty and others.max() > 0:
        pool = _listing(groups.loc[others == others.max(), label])
        findings.append(
            f"La plus grande réserve d'adhérents possibles : {pool}, avec "
            f"{number(others.max())} employeurs de l'ESS qui ne sont pas adhérents"
            + (" (à égalité)." if (others == others.max()).sum() > 1 else ".")
        )
    empty = groups[groups["reseau_ess_etablissements_employeurs_adherents"] == 0]
    if not empty.empty:
        listed = ", ".join(
            f"{row[label]} ({number(row['ess_etablissements_employeurs'])})"
            for _, row in empty.iterrows()
        )
        findings.append(
            f"Sans aucun adhérent (entre parenthèses, le nombre d'employeurs de l'ESS) : {listed}."
        )
    return findings


def family_labels(families: pd.DataFrame) -> pd.DataFrame:
    """Coverage by family with French family names (``Associations``) in ``famille``."""
    return families.assign(
        famille=families["famille"].map({**FAMILY_LABELS, "ensemble": "Ensemble de l'ESS"})
    )


def family_html(families: pd.DataFrame, source: str, mark: str) -> str:
    """Coverage by family, as an HTML table.

    Parameters
    ----------
    families : DataFrame
        :func:`family_labels` of :func:`ressol_analysis.network.coverage_by_family`.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        One row per family and a total row.
    """
    return html_table(
        _coverage_columns(families, {"famille": "Famille"}),
        COVERAGE_FORMATS,
        title="La part de chaque famille de l'ESS que rassemble le réseau" + mark,
        source=source,
    )


def family_findings(families: pd.DataFrame) -> list[str]:
    """Sentences on the families: best covered, largest pool of non-members, none covered.

    Parameters
    ----------
    families : DataFrame
        :func:`family_labels` of :func:`ressol_analysis.network.coverage_by_family`.

    Returns
    -------
    list of str
        French sentences; families with fewer than :data:`MIN_GROUP` employers are not called
        the best covered.
    """
    return _group_findings(
        families.iloc[:-1], "famille", "Famille la mieux représentée dans le réseau"
    )


def sector_labels(sectors: pd.DataFrame, level: str = "A21") -> pd.DataFrame:
    """Coverage by sector, sector names in sentence case, most ESS employers first.

    Parameters
    ----------
    sectors : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_sector`.
    level : str
        Its sector level (ties are ordered by code).

    Returns
    -------
    DataFrame
        Same columns, ``libelle`` in sentence case, sorted by ESS employer establishments.
    """
    named = sectors.assign(libelle=sectors["libelle"].map(lambda t: sentence_case(str(t))))
    return named.sort_values(
        ["ess_etablissements_employeurs", level], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def sector_html(sectors: pd.DataFrame, level: str, source: str, mark: str) -> str:
    """Coverage by sector, as an HTML table.

    Parameters
    ----------
    sectors : DataFrame
        :func:`sector_labels` of :func:`ressol_analysis.network.coverage_by_sector`.
    level : str
        Sector level (``A21``).
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        One row per sector with ESS employers, largest ESS employment first.
    """
    return html_table(
        _coverage_columns(sectors, {level: "Code", "libelle": "Secteur"}),
        COVERAGE_FORMATS,
        title=f"La part de chaque secteur (NAF {level}) de l'ESS que rassemble le réseau" + mark,
        source=source,
    )


def sector_findings(sectors: pd.DataFrame) -> list[str]:
    """Sentences on the sectors, as :func:`family_findings` does for the families."""
    return _group_findings(sectors, "libelle", "Secteur le mieux représenté dans le réseau")


def sectors_alt(name: str) -> str:
    """Alternative text of the sector chart."""
    return (
        f"Barres horizontales : pour chaque secteur d'activité, le nombre d'établissements "
        f"employeurs de l'ESS de {name}, en distinguant ceux qui appartiennent à un adhérent."
    )


def map_alt(name: str) -> str:
    """Alternative text of the coverage map."""
    return (
        f"Carte des communes de {name} : la couleur donne la part des employeurs de l'ESS de la "
        "commune qui sont adhérents du réseau, les cercles le nombre d'employeurs de l'ESS."
    )


def commune_html(communes: pd.DataFrame, source: str, mark: str) -> str:
    """The communes with the most ESS employers and their coverage, secrecy shown.

    Parameters
    ----------
    communes : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_commune` with ``LIBELLE``.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        The :data:`COMMUNES_SHOWN` communes with the most ESS employers; the share of ESS jobs
        reads « secret » where the ESS map's rules mask it.
    """
    top = communes.sort_values(
        ["ess_etablissements_employeurs", "CODGEO"], ascending=[False, True], kind="stable"
    ).head(COMMUNES_SHOWN)
    secret = top["secret_reseau"] | top["secret_ess"]
    jobs = top["part_reseau_ess_effectif_salarie_estime"].map(percent).where(~secret, "secret")
    table = pd.DataFrame(
        {
            "Commune": top["LIBELLE"],
            "Employeurs de l'ESS": top["ess_etablissements_employeurs"],
            "dont adhérents": top["reseau_ess_etablissements_employeurs_adherents"],
            "Part des employeurs": top["part_reseau_ess_etablissements_employeurs"],
            "Part des emplois": jobs,
        }
    )
    return html_table(
        table,
        {**COVERAGE_FORMATS, "Part des emplois": str},
        title=f"Les {len(top)} communes qui comptent le plus d'employeurs de l'ESS" + mark,
        source=source,
        note=f"« secret » : part masquée selon les règles de la carte de l'ESS (moins de "
        f"{SECRET_MIN_COUNT} établissements adhérents ou non adhérents, ou un établissement "
        f"qui fait plus de {percent(100 * SECRET_DOMINANCE, 0)} de leurs emplois, ou "
        "masquage secondaire). Les nombres d'établissements ne sont pas soumis au secret.",
    )


def commune_findings(communes: pd.DataFrame) -> list[str]:
    """Where the members are, and where the most ESS employers are not members yet.

    Parameters
    ----------
    communes : DataFrame
        Output of :func:`ressol_analysis.network.coverage_by_commune` with ``LIBELLE``.

    Returns
    -------
    list of str
        French sentences (counts of establishments only: they are not under secrecy).
    """
    with_ess = communes[communes["ess_etablissements_employeurs"] > 0]
    with_members = with_ess[with_ess["reseau_ess_etablissements_employeurs_adherents"] > 0]
    where = (
        f"dans chacune des {count(len(with_ess), 'commune', 'communes')}"
        if len(with_members) == len(with_ess)
        else f"dans {number(len(with_members))} des {count(len(with_ess), 'commune', 'communes')}"
    )
    findings = [
        f"Les adhérents employeurs de l'ESS sont présents {where} qui comptent au moins un "
        "employeur de l'ESS."
    ]
    others = (
        with_ess["ess_etablissements_employeurs"]
        - with_ess["reseau_ess_etablissements_employeurs_adherents"]
    )
    top = others[others > 0].sort_values(ascending=False, kind="stable").head(3)
    if not top.empty:
        listed = ", ".join(f"{with_ess.at[i, 'LIBELLE']} ({number(v)})" for i, v in top.items())
        findings.append(
            f"Les communes qui comptent le plus d'employeurs de l'ESS non adhérents : {listed}."
        )
    return findings


def kit_note(network: str | None, territory: str, yaml_path: str) -> str:
    """Where the communication kit of the report is, or how to get it.

    Parameters
    ----------
    network : str or None
        The territory's network name (``reseau`` key); the kit needs it.
    territory : str
        Territory id (file names of the kit).
    yaml_path : str
        The territory's YAML file.

    Returns
    -------
    str
        Markdown paragraph with links to the files of the report's ``kit/`` folder.
    """
    if not network:
        return (
            "Le kit de communication (une page A4 et une carte carrée pour les réseaux sociaux) "
            "n'est pas produit : il porte le nom du réseau, à indiquer sous la clé `reseau:` du "
            f"fichier `{short_path(yaml_path)}`."
        )
    stem = f"kit/kit_{territory}"
    return (
        f"Avec ce rapport, {network} dispose d'un kit de communication tiré des mêmes chiffres : "
        f"une [page A4 « L'ESS en chiffres » (PDF)]({stem}_page_a4.pdf) à imprimer ou à joindre "
        f"à un courrier, la même [en image]({stem}_page_a4.png), et une "
        f"[carte carrée de 1 080 pixels]({stem}_carte_1080.png) pour les réseaux sociaux "
        "(dossier `kit/` du rapport). Aucun chiffre n'y est saisi à la main ; ceux de "
        "démonstration portent la mention « Données synthétiques de démonstration »."
    )


def method_lines() -> list[str]:
    """The rules of the chapter: how members are matched, what is counted, what is named.

    Returns
    -------
    list of str
        French bullets quoting the thresholds of :mod:`ressol_analysis.network_matching`.
    """
    return [
        "Un adhérent donné par son **SIRET** est cet établissement ; par son **SIREN**, tous "
        "les établissements actifs de l'unité dans le territoire.",
        "Un adhérent donné par son **nom** seul est comparé aux noms des établissements "
        "diffusibles de personnes morales de sa commune (de tout le territoire sans commune) : "
        f"il est retrouvé avec un score d'au moins {number(MATCH_THRESHOLD)} sur 100 si aucun "
        f"autre n'est à moins de {number(AMBIGUITY_MARGIN)} points ; de "
        f"{number(REVIEW_FLOOR)} à {number(MATCH_THRESHOLD)}, ou en cas d'hésitation, il est « à "
        "vérifier » et **n'est pas compté** tant que son SIRET n'est pas donné.",
        "La couverture rapporte les établissements employeurs de l'ESS qui appartiennent à un "
        "adhérent à tous ceux de la zone ; les emplois sont estimés au centre de la tranche "
        "d'effectifs, comme au chapitre sur l'ESS. Une famille ou un secteur de moins de "
        f"{number(MIN_GROUP)} employeurs de l'ESS n'est pas cité comme le mieux représenté (un "
        "adhérent sur deux employeurs ferait 50 %).",
        "Ce chapitre ne nomme personne. Le fichier de travail du réseau ne nomme que des "
        "personnes morales dont la diffusion est publique (statut « O » de l'unité et de "
        "l'établissement), comme l'annuaire de l'ESS.",
    ]


def sources_lines(members_file: str, sirene_source: str, vintage: str, outlines: str) -> list[str]:
    """The « Sources » bullets of the chapter.

    Parameters
    ----------
    members_file : str
        Name of the members file.
    sirene_source : str
        ``Diagnostic.sirene_source``.
    vintage : str
        ``Diagnostic.sirene_vintage``.
    outlines : str
        ``Diagnostic.outline_source``.

    Returns
    -------
    list of str
        Markdown bullets.
    """
    return [
        f"**Fichier des adhérents** `{members_file}`, tenu par le réseau.",
        f"**Établissements** : {sirene_source} ; millésime : {vintage}.",
        f"**Carte** : {outlines}.",
    ]


__all__ = [
    "FAMILY_ALT",
    "MAP_INTRO",
    "area_html",
    "chapter_title",
    "commune_findings",
    "commune_html",
    "coverage_findings",
    "data_banner",
    "family_findings",
    "family_html",
    "family_labels",
    "kit_note",
    "map_alt",
    "members_summary",
    "method_lines",
    "sector_findings",
    "sector_html",
    "sector_labels",
    "sectors_alt",
    "sources_lines",
]
