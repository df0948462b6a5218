"""The synthesis page of a report (``index.html``): one self-contained HTML document.

The page is what a board member opens first: the findings of
:mod:`ressol_analysis.synthesis_text`, the key figures of the territory against its comparison
areas, the figures of the 2013 diagnostic next to today's, links to the chapters and to the
indicator files, and an appendix on sources and method. Inline CSS, no script, no external
address, readable on a phone and printable. The 2013 figures are data in
``reference/diagnostic_2013.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from html import escape

import pandas as pd

from .contract import key_is_synthetic, row_is_synthetic
from .formatting import points
from .labels import SYNTHETIC_MARK, demo_sentence
from .sources.manifest import RawFile
from .synthesis_decide import decision_html, questions
from .synthesis_decide import findings as decision_findings
from .synthesis_text import (
    FINDINGS,
    KEY_FIGURES,
    MAX_FINDINGS,
    SYNTHETIC_FINDINGS,
    area_names,
    as_published,
    check_table,
    comparison_areas,
    epci_areas,
    finding_since_2013,
    has_value,
    indicator_row,
    indicator_value,
    today_2013,
)

# ---------------------------------------------------------------------------------------------
# HTML pieces

LIST_ITEM = re.compile(r"^(\s*)(-|\*|\d+\.)\s+(.*)$")

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _mark(show: bool) -> str:
    return f' <span class="synthetique">{SYNTHETIC_MARK}</span>' if show else ""


def _source_numbers(table: pd.DataFrame, territory: str, keys: Sequence[str]) -> dict[str, int]:
    numbers: dict[str, int] = {}
    for key in keys:
        row = indicator_row(table, territory, key)
        if row is not None:
            numbers.setdefault(str(row["source"]), len(numbers) + 1)
    return numbers


def key_figures_table(
    indicators: pd.DataFrame,
    territory_code: str,
    areas: Sequence[tuple[str, str]] | None = None,
    caption: str | None = None,
) -> str:
    """Build the key figures of a territory against other areas, as an HTML table.

    Rows built from the synthetic Sirene extract (``synthetique`` column of the contract)
    carry the mark « Données synthétiques de démonstration ».

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Territory described (first column).
    areas : sequence of (code, name), optional
        Columns after the territory; its comparison areas by default.
    caption : str, optional
        Title of the table (« <territoire> et ses zones de comparaison » by default).

    Returns
    -------
    str
        ``<figure class="chiffres">`` with the table, its numbered sources and notes.
    """
    table = check_table(indicators, territory_code)
    names = dict(area_names(table))
    columns = [
        (territory_code, names[territory_code]),
        *(comparison_areas(table, territory_code) if areas is None else areas),
    ]
    figures = [f for f in KEY_FIGURES if has_value(table, territory_code, f.key)]
    caption = caption or f"{names[territory_code]} et ses zones de comparaison"
    sources = _source_numbers(table, territory_code, [f.key for f in figures])
    head = "".join(f'<th scope="col" class="zone">{escape(n)}</th>' for _, n in columns)
    rows = []
    for figure in figures:
        row = indicator_row(table, territory_code, figure.key)
        number_ref = sources[str(row["source"])]
        cells = "".join(
            f'<td class="nombre{" territoire" if code == territory_code else ""}">'
            f"{escape(figure.fmt(indicator_value(table, code, figure.key)))}</td>"
            for code, _ in columns
        )
        synthetic_row = row_is_synthetic(row)
        rows.append(
            f'<tr><th scope="row">{escape(figure.label)}{_mark(synthetic_row)}</th>{cells}'
            f'<td class="millesime">{escape(str(row["millesime"]))}, source {number_ref}</td>'
            "</tr>"
        )
    source_items = "".join(f"<li>{escape(s)}</li>" for s in sources)
    return (
        f'<figure class="chiffres"><figcaption>{escape(caption)}</figcaption>'
        '<p class="glisser">Faites glisser le tableau vers la gauche pour voir les autres '
        "zones.</p>"
        '<div class="defile"><table>'
        f'<thead><tr><th scope="col">Indicateur</th>{head}'
        '<th scope="col">Année des données</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="source">Sources :</p><ol class="sources">{source_items}</ol>'
        '<p class="note">Les parts sont en pourcentage de la population (âges) ou des '
        "établissements et emplois salariés (ESS). n.d. : non disponible.</p></figure>"
    )


def comparison_2013_table(indicators: pd.DataFrame, territory_code: str, reference: Mapping) -> str:
    """Show the 2013 diagnostic's figures next to today's closest indicators, as HTML.

    Today's side comes from :func:`ressol_analysis.synthesis_text.today_2013`: a value built
    from the synthetic Sirene extract is never shown beside a real 2013 figure (the cell reads
    « n.d. — données de démonstration » and the note says why); landmarks of other areas
    (départements…) carry their level and their source; each side says its perimeter.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    territory_code : str
        Territory described.
    reference : mapping
        Content of ``diagnostic_2013.yaml`` (see :func:`load_reference_2013`).

    Returns
    -------
    str
        ``<figure class="diagnostic-2013">``; empty when the reference describes another
        territory.
    """
    if reference.get("territoire") != territory_code:
        return ""
    table = check_table(indicators, territory_code)
    source_2013 = escape(str(reference.get("source", "Diagnostic 2013")))
    rows = []
    for figure in reference.get("chiffres", []):
        then = escape(as_published(figure["valeur"], figure["format"]))
        compared = figure.get("comparaison_2013") or {}
        if "valeur" in compared:
            then += (
                f'<span class="compare">{escape(compared["zone"])} : '
                f"{escape(as_published(compared['valeur'], figure['format']))}</span>"
            )
        elif "ecart_points" in compared:
            gap = float(compared["ecart_points"])
            then += (
                f'<span class="compare">{points(gap, 0)} '
                f"{'de plus' if gap > 0 else 'de moins'} que {escape(compared['zone'])}"
                "</span>"
            )
        if figure.get("perimetre_2013"):
            then += f'<span class="definition">{escape(figure["perimetre_2013"])}</span>'
        today = today_2013(table, territory_code, figure, reference)
        now = f'<span class="valeur">{escape(today.value)}</span>'
        if today.reason:
            now += f'<span class="absent">{escape(today.reason)}</span>'
        if today.comparison:
            now += f'<span class="compare">{escape(today.comparison)}</span>'
        if today.definition:
            now += f'<span class="definition">{escape(today.definition)}</span>'
        if today.landmarks:
            items = "".join(f"<li>{escape(item)}</li>" for item in today.landmarks)
            now += f'<span class="reperes">Repères :</span><ul class="reperes">{items}</ul>'
        if today.perimeter:
            now += f'<span class="definition">{escape(today.perimeter)}</span>'
        now += "".join(
            f'<span class="source">Source : {escape(line)}</span>' for line in today.sources
        )
        rows.append(
            f'<tr><th scope="row" data-label="Chiffre">{escape(figure["libelle"])}</th>'
            f'<td data-label="Diagnostic 2013">{then}</td>'
            f'<td data-label="Aujourd\'hui">{now}{_mark(today.synthetic)}</td>'
            f'<td data-label="À savoir" class="note">{escape(today.note)}</td></tr>'
        )
    return (
        '<figure class="diagnostic-2013"><figcaption>Les chiffres du diagnostic de 2013 et '
        "ceux d'aujourd'hui</figcaption><table><thead><tr>"
        '<th scope="col">Chiffre</th><th scope="col">Diagnostic 2013</th>'
        '<th scope="col">Aujourd\'hui</th><th scope="col">À savoir</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="source">Chiffres de 2013 : {source_2013}.</p></figure>'
    )


def _page_mark(filename: str) -> str:
    """Where the PDF writes the page a part starts on (:mod:`ressol_analysis.pdf`)."""
    return f'<span class="page-pdf" data-page="{escape(filename)}"></span>'


def _inline(text: str) -> str:
    """Escape a line, then render ```code```, ``**bold**`` and ``*italic*``."""
    html = escape(text)
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*", r"<em>\1</em>", html)


def _list_html(items: list[list]) -> str:
    """Items ``[level, ordered, text]`` (level 0 or 1) as a list with nested sub-lists."""
    tag = "ol" if items[0][1] else "ul"
    html, nested = [], []
    for level, _, text in items:
        if level and html:
            nested.append(f"<li>{_inline(text)}</li>")
            continue
        if nested:
            html[-1] = html[-1][:-5] + f"<ul>{''.join(nested)}</ul></li>"
            nested = []
        html.append(f"<li>{_inline(text)}</li>")
    if nested:
        html[-1] = html[-1][:-5] + f"<ul>{''.join(nested)}</ul></li>"
    return f"<{tag}>{''.join(html)}</{tag}>"


def text_to_html(text: str) -> str:
    """Plain text with paragraphs and ``-`` / ``1.`` lists (one level of nesting) as HTML.

    Continuation lines join the item above; ```code```, ``**bold**`` and ``*italic*`` are
    rendered; everything else is escaped.
    """
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        paragraph: list[str] = []
        items: list[list] = []
        for line in block.splitlines():
            item = LIST_ITEM.match(line)
            if item:
                level = 1 if len(item.group(1).expandtabs()) >= 2 else 0
                items.append([level, item.group(2)[0].isdigit(), item.group(3)])
            elif items:
                items[-1][2] += " " + line.strip()
            elif line.strip():
                paragraph.append(line.strip())
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
        if items:
            blocks.append(_list_html(items))
    return "".join(blocks)


def _french_date(value: str) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


LOCAL_PATH = re.compile(r"^(/|\./|\.\./|~)")


def _where(entry: RawFile) -> str:
    """Where a file is published; a path of the machine that copied it is never shown."""
    if LOCAL_PATH.match(entry.source.strip()):
        return f"fichier livré avec le projet (data/raw/{entry.path.name})"
    return entry.source


def sources_appendix(
    sources: Iterable[RawFile], rules_text: str, synthetic: bool, run_info: Mapping
) -> str:
    """Build the appendix « Sources et méthode » as HTML.

    Parameters
    ----------
    sources : iterable of RawFile
        Manifest entries of the raw files used.
    rules_text : str
        The ESS rules in French (paragraphs and ``- `` lists).
    synthetic : bool
        Whether the Sirene extract is the synthetic demonstration one.
    run_info : mapping
        ``run.json`` content (or its ``donnees`` part): vintages, source anomalies, input
        fingerprint.

    Returns
    -------
    str
        ``<section id="sources">``.
    """
    info = run_info.get("donnees", run_info)
    cards = []
    for entry in sources:
        cards.append(
            '<li class="fiche">'
            f'<p class="titre">{escape(entry.title)}</p>'
            "<dl>"
            f"<dt>Éditeur</dt><dd>{escape(entry.publisher)}</dd>"
            f"<dt>Millésime</dt><dd>{escape(entry.vintage)}</dd>"
            f"<dt>Géographie</dt><dd>{escape(entry.geography)}</dd>"
            f"<dt>Licence</dt><dd>{escape(entry.licence)}</dd>"
            f"<dt>Où le trouver</dt><dd>{escape(_where(entry))}</dd>"
            f"<dt>Utilisé pour</dt><dd>{escape(entry.usage)}</dd>"
            f"<dt>Empreinte (sha256)</dt><dd><code>{escape(entry.sha256)}</code></dd>"
            "</dl></li>"
        )
    anomalies = info.get("anomalies_sources") or []
    anomalies_html = (
        "<h3>Particularités des sources</h3><ul>"
        + "".join(f"<li>{escape(str(a))}</li>" for a in anomalies)
        + "</ul>"
        if anomalies
        else ""
    )
    fingerprint = info.get("empreinte_entrees")
    fingerprint_html = (
        f"<p>Empreinte de l'ensemble des fichiers d'entrée : <code>{escape(fingerprint)}</code>. "
        "Deux rapports de même empreinte ont été produits à partir des mêmes données.</p>"
        if fingerprint
        else ""
    )
    if synthetic:
        synthetic_html = (
            '<h3>Données synthétiques</h3><p class="alerte">'
            f"<strong>{SYNTHETIC_MARK}.</strong> Les fichiers nationaux de la base Sirene ne "
            "sont pas fournis avec le projet : les chiffres de l'économie sociale et solidaire "
            "(établissements et emplois) de ce rapport sont calculés sur un extrait fabriqué, "
            "calé sur des chiffres publics, pour montrer la méthode. Ils sont signalés comme "
            "tels partout où ils apparaissent et ne doivent pas être cités. Les chiffres de "
            "population et d'emploi de l'Insee, eux, sont réels.</p>"
        )
    else:
        synthetic_html = (
            "<h3>Données synthétiques</h3><p>Aucune : tous les chiffres de ce rapport viennent "
            "des fichiers officiels listés ci-dessus.</p>"
        )
    rules_html = (
        text_to_html(rules_text)
        if rules_text.strip()
        else ("<p>Les règles de l'ESS ne sont pas fournies pour ce rapport.</p>")
    )
    return (
        '<section id="sources" class="annexe"><h2>Annexe — Sources et méthode</h2>'
        "<h3>Les fichiers utilisés</h3><p>Chaque fichier est conservé tel que publié ; son "
        "empreinte permet de vérifier qu'il n'a pas été modifié.</p>"
        f'<ul class="fiches">{"".join(cards)}</ul>'
        f"{fingerprint_html}{anomalies_html}"
        f'<h3>Comment l\'ESS est comptée</h3><div class="regles">{rules_html}</div>'
        f"{synthetic_html}</section>"
    )


GLOSSARY = (
    '<section id="mots"><h2>Les mots du rapport</h2><dl class="glossaire">'
    "<dt>Emplois au lieu de travail</dt><dd>Toutes les personnes qui travaillent sur le "
    "territoire, qu'elles y habitent ou non, salariées ou non (exploitants agricoles, artisans, "
    "commerçants…) : c'est le chiffre du recensement de l'Insee.</dd>"
    "<dt>Emplois salariés estimés</dt><dd>Les seuls salariés des établissements employeurs, "
    "estimés à partir de la tranche d'effectifs que chaque établissement déclare au répertoire "
    "Sirene (par exemple « 10 à 19 salariés » compte pour 15) : c'est sur eux que se mesure le "
    "poids de l'ESS.</dd>"
    "<dt>Établissements employeurs</dt><dd>Les lieux d'activité (une école, un magasin, un "
    "site d'une entreprise, le local d'une association) qui emploient au moins un salarié ; "
    "une association sans salarié n'en fait pas partie.</dd>"
    "<dt>ESS</dt><dd>L'économie sociale et solidaire : associations, coopératives, mutuelles, "
    "fondations et entreprises qui se déclarent de l'ESS (loi de 2014).</dd>"
    "<dt>Zones de comparaison</dt><dd>Les zones auxquelles le fichier du territoire compare "
    "celui-ci (son département, sa région…), nommées dans chaque tableau.</dd>"
    "<dt>Secret statistique</dt><dd>Un chiffre qui reposerait sur trop peu d'établissements "
    "n'est pas publié, pour ne pas dévoiler un employeur ; il est remplacé par « secret ».</dd>"
    "</dl></section>\n"
)


def sources_page(
    territory_name: str,
    sources: Iterable[RawFile],
    rules_text: str,
    synthetic: bool,
    run_info: Mapping,
) -> str:
    """The appendix « Sources et méthode » of a report, as its own page (``sources.html``).

    It comes last in the report and in the PDF: what a board member reads first is the
    synthesis and the chapters; the files, their fingerprints and the rules are for checking.

    Parameters
    ----------
    territory_name : str
        Name of the territory, in the title.
    sources, rules_text, synthetic, run_info
        See :func:`sources_appendix`; ``sources`` lists only the files this territory uses.

    Returns
    -------
    str
        The HTML page (``lang="fr"``, inline CSS, no script), linking back to the index.
    """
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Sources et méthode — {escape(territory_name)}</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
        '<p class="retour"><a href="index.html">← Retour à la synthèse</a></p>'
        f"{sources_appendix(sources, rules_text, synthetic, run_info)}\n"
        "</main>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------
# The page

PAGE_CSS = """
:root { --bleu: #1b6f8a; --gris: #5a6470; --trait: #d0d7de; --fond: #f4f7f9;
        --rouge: #b00020; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1f2328;
       line-height: 1.5; font-size: 16px; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 1.2rem 1rem 3rem; }
header { border-bottom: 4px solid var(--bleu); padding-bottom: .8rem; margin-bottom: 1.2rem; }
.surtitre { text-transform: uppercase; letter-spacing: .06em; font-size: .8rem;
            color: var(--bleu); font-weight: bold; margin: 0; }
h1 { font-size: 2rem; margin: .2rem 0 .3rem; line-height: 1.2; }
h2 { font-size: 1.35rem; color: var(--bleu); margin: 2rem 0 .6rem;
     border-bottom: 1px solid var(--trait); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.meta { color: var(--gris); margin: 0; font-size: .9rem; }
a { color: var(--bleu); }
.bandeau { border: 2px solid var(--rouge); color: var(--rouge); background: #fff5f6;
           padding: .6rem .8rem; border-radius: 4px; margin: 1rem 0; font-size: .95rem; }
.synthetique { display: inline-block; border: 1px solid var(--rouge); color: var(--rouge);
               border-radius: 3px; font-size: .7rem; font-weight: bold; padding: 0 .3rem;
               margin-left: .3rem; line-height: 1.4; vertical-align: middle;
               white-space: nowrap; }
ul.constats { padding-left: 0; list-style: none; margin: 0; }
section#a-retenir h3 { color: var(--bleu); }
ol.questions li { margin: .45rem 0; }
a.chapitre { white-space: nowrap; font-size: .85rem; }
dl.glossaire { grid-template-columns: 14rem 1fr; font-size: .9rem; }
dl.glossaire dt { color: #1f2328; font-weight: bold; }
p.retour { margin: .5rem 0; }
.page-pdf, li.imprime { display: none; }
ul.constats li { background: var(--fond); border-left: 4px solid var(--bleu);
                 padding: .55rem .8rem; margin: .5rem 0; }
nav.rapport ul { list-style: none; padding: 0; margin: .3rem 0; display: flex;
                 flex-wrap: wrap; gap: .5rem; }
nav.rapport a { display: inline-block; border: 1px solid var(--bleu); border-radius: 4px;
                padding: .35rem .7rem; text-decoration: none; }
nav.rapport a:hover, nav.rapport a:focus { background: var(--fond); }
nav.rapport .telecharger a { border-style: dashed; }
figure { margin: 1rem 0 1.5rem; }
figcaption { font-weight: bold; margin-bottom: .4rem; }
.defile { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--trait); padding: .4rem .55rem; vertical-align: top;
         text-align: left; }
thead th { background: var(--fond); font-size: .85rem; }
td.nombre { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure.chiffres thead th.zone { text-align: right; width: 8.5rem; }
figure.chiffres tbody th { font-weight: normal; min-width: 11rem; }
td.territoire { font-weight: bold; background: #eef5f8; }
td.millesime { color: var(--gris); font-size: .8rem; white-space: nowrap; }
sup { color: var(--gris); font-size: .7em; margin-left: .1rem; }
p.source, p.note, ol.sources, span.source { font-size: .8rem; color: var(--gris); }
p.source, p.note { margin: .3rem 0; }
ol.sources { margin: .2rem 0; padding-left: 1.4rem; }
figure.diagnostic-2013 td span { display: block; }
figure.diagnostic-2013 table { table-layout: fixed; }
figure.diagnostic-2013 thead th:nth-child(1) { width: 17%; }
figure.diagnostic-2013 thead th:nth-child(2) { width: 17%; }
figure.diagnostic-2013 thead th:nth-child(3) { width: 33%; }
span.compare { color: #333; font-size: .88rem; }
span.definition { font-size: .82rem; font-style: italic; }
span.source { margin-top: .2rem; }
span.absent { color: var(--gris); font-style: italic; }
span.valeur { font-weight: bold; }
span.reperes { font-size: .85rem; margin-top: .3rem; }
ul.reperes { margin: .1rem 0 .2rem; padding-left: 1.1rem; font-size: .85rem; }
td.note { font-size: .85rem; color: #333; }
ul.fiches { list-style: none; padding: 0; display: grid; gap: .6rem;
            grid-template-columns: repeat(auto-fill, minmax(min(100%, 27rem), 1fr)); }
li.fiche { border: 1px solid var(--trait); border-radius: 4px; padding: .5rem .8rem; }
li.fiche p.titre { font-weight: bold; margin: 0 0 .3rem; }
dl { display: grid; grid-template-columns: 8.5rem 1fr; gap: .1rem .7rem; margin: 0;
     font-size: .85rem; }
div.regles li { margin: .25rem 0; }
dt { color: var(--gris); }
dd { margin: 0; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .78rem; word-break: break-all; }
.alerte { border-left: 4px solid var(--rouge); padding-left: .7rem; }
p.glisser { display: none; font-size: .8rem; color: var(--gris); margin: 0 0 .3rem; }
@media (max-width: 640px) {
  body { font-size: 15px; }
  main { padding: .8rem .7rem 2rem; }
  h1 { font-size: 1.5rem; }
  table { font-size: .85rem; }
  figure.chiffres tbody th { min-width: 8.5rem; max-width: 10rem; }
  figure.chiffres .synthetique { white-space: normal; }
  p.glisser { display: block; }
  figure.chiffres th:first-child { position: sticky; left: 0; background: #fff; }
  figure.chiffres thead th:first-child { background: var(--fond); }
  figure.diagnostic-2013 table { table-layout: auto; }
  figure.diagnostic-2013 thead { display: none; }
  figure.diagnostic-2013 tr { display: block; border: 1px solid var(--trait);
                              border-radius: 4px; margin: .6rem 0; padding: .3rem .5rem; }
  figure.diagnostic-2013 th, figure.diagnostic-2013 td { display: block; border: 0;
                                                         padding: .2rem 0; }
  figure.diagnostic-2013 th { font-size: 1rem; }
  figure.diagnostic-2013 td::before { content: attr(data-label); display: block;
                                      font-size: .75rem; color: var(--gris);
                                      text-transform: uppercase; letter-spacing: .04em; }
  dl { grid-template-columns: 1fr; }
  dt { margin-top: .3rem; }
}
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  nav.rapport a { border: 0; padding: 0; }
  nav.rapport { break-before: page; }
  nav.rapport ul.sommaire { display: block; }
  nav.rapport ul.sommaire li { display: flex; justify-content: space-between;
                               border-bottom: 1px dotted var(--trait); padding: .25rem 0; }
  nav.rapport ul.telecharger { display: none; }
  .page-pdf { display: inline; color: var(--gris); }
  nav.rapport ul.sommaire li.imprime { display: flex; }
  h2, h3, figcaption { break-after: avoid; }
  tr, li, figure.chiffres, ul.constats li, li.fiche { break-inside: avoid; }
  section#a-retenir { break-after: page; }
  section#a-retenir figure img { max-height: 15.5cm; width: auto; }
  a.chapitre { font-size: .8em; color: var(--gris); }
  p.retour { display: none; }
  section#diagnostic-2013 { break-before: page; }
  .defile { overflow: visible; }
  .synthetique, .bandeau { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  td.territoire, thead th, ul.constats li { -webkit-print-color-adjust: exact;
                                           print-color-adjust: exact; }
}
"""


def synthesis_page(
    indicators: pd.DataFrame,
    territory_code: str,
    territory_name: str,
    chapters: Sequence[tuple[str, str]],
    synthetic: bool,
    run_info: Mapping,
    scenarios: Sequence[str] = (),
    scenarios_page: str | None = None,
    scenarios_warning: str | None = None,
    *,
    reference_2013: Mapping | None = None,
    ess_communes: pd.DataFrame | None = None,
    ess_sectors: pd.DataFrame | None = None,
    reference_area: str | None = None,
    map_html: str = "",
    chapter_names: Sequence[str] = (),
    pdf: bool = True,
    network: str | None = "RESSOL",
) -> str:
    """Build the synthesis page of a report, as one self-contained HTML document.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table of the run (the content of ``indicateurs.csv``).
    territory_code : str
        Code of the territory (``centre-manche``).
    territory_name : str
        Its name (``Centre Manche``).
    chapters : sequence of (str, str)
        (title, file name) of each chapter page, in reading order.
    synthetic : bool
        Whether the Sirene extract is the synthetic demonstration one: every part built
        from it then carries the mark « Données synthétiques de démonstration ».
    run_info : mapping
        ``run.json`` content (``territoire``, ``donnees``) or its ``donnees`` part, plus
        optionally ``date`` (ISO) for the header.
    scenarios : sequence of str
        What to say of the strategy scenarios (retained or leading one, robustness of its
        lead), plain French from the scenarios chapter's text; nothing is shown when empty.
    scenarios_page : str, optional
        File name of the scenarios chapter, linked after those sentences.
    scenarios_warning : str, optional
        Shown above them when the scenarios are examples.
    reference_2013 : mapping, optional
        The territory's earlier diagnostic (its file's ``diagnostic_2013`` key): the finding
        and the table « 2013 et aujourd'hui » appear only with it.
    ess_communes : DataFrame, optional
        ESS commune table of the territory (``LIBELLE``), for « where the ESS is ».
    ess_sectors : DataFrame, optional
        ESS by A21 sector of the territory and ``reference_area``, for the sector question.
    reference_area : str, optional
        Code of the area the sectors are compared with (the region).
    map_html : str
        The map of the ESS by commune, shown in « À retenir et à décider ».
    chapter_names : sequence of str
        Notebook name of each chapter (``03_ess``), in the order of ``chapters``: the findings
        and questions link to the chapter supporting them.
    pdf : bool
        Whether the run has ``rapport.pdf`` (linked from the page).
    network : str, optional
        The network named by the territory's ``reseau:`` key, above the title; ``None`` for a
        territory whose file names none (the page then names no network).

    Returns
    -------
    str
        The HTML page (``lang="fr"``, inline CSS, no script, no external address), opening with
        « À retenir et à décider »; sources and method are on ``sources.html``
        (:func:`sources_page`).

    Raises
    ------
    RessolError
        If the table does not follow the contract or has no row for the territory.
    """
    table = check_table(indicators, territory_code)
    reference = reference_2013
    info = run_info.get("donnees", run_info)
    ess_keys = ("part_ess_etablissements_employeurs", "part_ess_effectif_salarie_estime")
    any_synthetic = any(key_is_synthetic(table, k) for k in ess_keys)

    findings = []
    for function in FINDINGS:
        sentence = function(table, territory_code, territory_name)
        if sentence:
            keys = SYNTHETIC_FINDINGS.get(function, ())
            mark = any(key_is_synthetic(table, k) for k in keys)
            findings.append(f"<li>{escape(demo_sentence(sentence) if mark else sentence)}</li>")
    since = finding_since_2013(table, territory_code, territory_name, reference)
    if since:
        findings.append(f"<li>{escape(since)}</li>")
    findings = findings[:MAX_FINDINGS]

    meta = []
    if run_info.get("date"):
        meta.append(f"Rapport produit le {_french_date(run_info['date'])}")
    census = (info.get("millesimes") or {}).get("rp")
    if census:
        meta.append(f"recensement de {census}")
    if info.get("cog"):
        meta.append(f"communes au 1er janvier {info['cog']}")
    banner = (
        f'<p class="bandeau"><strong>{SYNTHETIC_MARK}.</strong> Les chiffres de l\'économie '
        "sociale et solidaire de ce rapport sont calculés sur un extrait fabriqué pour la "
        "démonstration, et marqués comme tels : ne pas les citer. Voir l'annexe « Sources et "
        "méthode ».</p>"
        if any_synthetic or synthetic
        else ""
    )
    chapter_links = "".join(
        f'<li><a href="{escape(filename)}">{escape(title)}</a>{_page_mark(filename)}</li>'
        for title, filename in chapters
    )
    epcis = epci_areas(table, territory_code)
    epci_table = (
        key_figures_table(
            table,
            territory_code,
            areas=epcis,
            caption=f"{territory_name} et ses intercommunalités",
        )
        if epcis
        else ""
    )
    comparison = comparison_2013_table(table, territory_code, reference) if reference else ""
    by_name = dict(zip(chapter_names, chapters, strict=False))
    decision = decision_html(
        decision_findings(table, territory_code, territory_name, reference, ess_communes),
        questions(table, territory_code, territory_name, ess_sectors, reference_area),
        by_name,
        map_html,
    )
    comparison_section = (
        '<section id="diagnostic-2013"><h2>2013 et aujourd\'hui</h2>'
        "<p>Le premier diagnostic de RESSOL, en 2013, donnait quelques chiffres repères. Les "
        "voici à côté des chiffres les plus proches disponibles aujourd'hui. Les définitions "
        "ne sont pas toujours les mêmes : la colonne « À savoir » le précise.</p>"
        f"{comparison}</section>"
        if comparison
        else ""
    )
    scenarios_section = (
        '<section id="scenarios"><h2>Les scénarios stratégiques</h2>'
        + (f'<p class="alerte">{escape(scenarios_warning)}</p>' if scenarios_warning else "")
        + f'<ul class="constats">{"".join(f"<li>{escape(line)}</li>" for line in scenarios)}</ul>'
        + (
            f'<p><a href="{escape(scenarios_page)}">Le chapitre « Scénarios » : les notes des '
            "membres, leur accord, le classement et sa solidité, l'ambition de chaque "
            "scénario</a></p>"
            if scenarios_page
            else ""
        )
        + "</section>\n"
        if scenarios
        else ""
    )
    surtitle = "Diagnostic territorial de l'économie sociale et solidaire"
    if network:
        surtitle = f"{network} — diagnostic territorial de l'économie sociale et solidaire"
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Synthèse — {escape(territory_name)} — diagnostic de l'ESS</title>\n"
        f"<style>{PAGE_CSS}</style>\n</head>\n<body>\n<main>\n"
        f'<header><p class="surtitre">{escape(surtitle)}</p>'
        f"<h1>{escape(territory_name)} : la synthèse</h1>"
        f'<p class="meta">{escape(" · ".join(meta))}</p></header>\n'
        f"{banner}{decision}"
        '<nav class="rapport" aria-label="Le rapport complet"><h2>Le rapport complet</h2>'
        '<ul class="sommaire"><li class="imprime"><a href="index.html">Synthèse : à retenir '
        f"et à décider, chiffres clés</a>{_page_mark('index.html')}</li>{chapter_links}"
        f'<li><a href="sources.html">Sources et méthode</a>{_page_mark("sources.html")}</li>'
        "</ul>"
        '<ul class="telecharger">'
        + ('<li><a href="rapport.pdf">Le rapport complet (PDF)</a></li>' if pdf else "")
        + '<li><a href="indicateurs.xlsx">Tous les indicateurs (tableur Excel)</a></li>'
        '<li><a href="indicateurs.csv">Tous les indicateurs (CSV)</a></li>'
        '<li><a href="ess_par_commune.csv">L\'ESS par commune (CSV)</a></li>'
        '<li><a href="ess_par_secteur.csv">L\'ESS par secteur (CSV)</a></li>'
        "</ul></nav>\n"
        f"{GLOSSARY}"
        '<section id="en-bref"><h2>Les chiffres en bref</h2>'
        f'<ul class="constats">{"".join(findings)}</ul></section>\n'
        f"{scenarios_section}"
        '<section id="chiffres-cles"><h2>Chiffres clés</h2>'
        f"{key_figures_table(table, territory_code)}{epci_table}</section>\n"
        f"{comparison_section}\n"
        '<section id="sources"><h2>Sources et méthode</h2><p>Les fichiers utilisés, leur '
        "empreinte et la façon dont l'ESS est comptée sont en annexe : "
        '<a href="sources.html">Sources et méthode</a>.</p></section>\n'
        "</main>\n</body>\n</html>\n"
    )
