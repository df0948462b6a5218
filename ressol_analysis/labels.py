"""French labels shared by the text, the charts and the pages: one wording per thing.

Keys are the project's codes (ESS families, the five Flores sectors); values are what a
board member reads. Nothing here computes or draws.
"""

from __future__ import annotations

# Written on every figure, table and page built from the synthetic SIRENE extract.
SYNTHETIC_MARK = "Données synthétiques de démonstration"


def demo_sentence(sentence: str) -> str:
    """A finding computed on the synthetic extract, with the mark at the start of the sentence."""
    return f"{SYNTHETIC_MARK} (chiffres fictifs) — {sentence}"


FAMILY_LABELS = {
    "associations": "Associations",
    "cooperatives": "Coopératives",
    "mutuelles": "Mutuelles",
    "fondations": "Fondations",
    "organismes_non_lucratifs": "Autres organismes privés à but non lucratif",
    "autres": "Autres entreprises de l'ESS",
}

# The five sectors of INSEE's comparateur (Flores), keys of ``economy.SECTORS``.
SECTOR_LABELS = {
    "agriculture": "Agriculture, sylviculture, pêche",
    "industrie": "Industrie",
    "construction": "Construction",
    "commerce_transports_services": "Commerce, transports, services divers",
    "administration_enseignement_sante_action_sociale": (
        "Administration, enseignement, santé, action sociale"
    ),
}
TIE = "ex_aequo"
TIE_LABEL = "Plusieurs secteurs à égalité"


def sentence_case(label: str) -> str:
    """``AGRICULTURE, SYLVICULTURE ET PÊCHE`` → ``Agriculture, sylviculture et pêche``.

    NAF A21 labels are published in capitals; A38 labels are already in sentence case and are
    returned unchanged.
    """
    if label != label.upper():
        return label
    return label[:1] + label[1:].lower()
