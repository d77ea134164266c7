"""Loading the catalogue and the questionnaire together, as one consistent, versioned bundle.

The bot, the console and ``navigator check`` all go through ``load_bundle`` so they accept and
reject exactly the same files. Problems of both files are reported together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rules.catalogue import Catalogue, load_catalogue
from rules.engine import QuestionnaireEngine
from rules.errors import DataError
from rules.official_lists import OfficialList
from rules.questionnaire import Questionnaire, load_questionnaire


@dataclass(frozen=True)
class Bundle:
    catalogue: Catalogue
    questionnaire: Questionnaire
    engine: QuestionnaireEngine

    @property
    def version(self) -> str:
        return f"{self.catalogue.version}-{self.questionnaire.version}"


def load_bundle(measures_path: str | Path, questionnaire_path: str | Path,
                lists: Mapping[str, OfficialList] | None = None) -> Bundle:
    """Load both files (and the official lists of ``rules/lists`` the catalogue references, unless
    ``lists`` is given); raise one ``DataError`` with every problem found in any of them."""
    try:
        catalogue = load_catalogue(measures_path, lists=lists)
    except DataError as catalogue_error:
        # Still report the questionnaire's own syntax/schema problems in the same run.
        from rules.catalogue import Catalogue as _Catalogue

        empty = _Catalogue((), {}, str(measures_path), "")
        try:
            load_questionnaire(questionnaire_path, empty, catalogue_known=False)
        except DataError as questionnaire_error:
            raise DataError(catalogue_error.problems + questionnaire_error.problems) from None
        raise
    questionnaire = load_questionnaire(questionnaire_path, catalogue)
    return Bundle(catalogue, questionnaire, QuestionnaireEngine(questionnaire, catalogue))
