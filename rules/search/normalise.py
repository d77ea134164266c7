"""Russian text normalisation for search: one function turns any text into comparable tokens.

Decided here, once, for queries, catalogue text and synonym phrases alike: lower case, «ё» as
«е», every non-letter/non-digit character is a separator (so «мсп.рф», «44-ФЗ» and «7,6 %» split
into their parts), and a digit run glued to letters is split from them («1млн» → «1», «млн»).
Stop words — grammar words that carry no topic — are dropped after lemmatisation, by lemma.
"""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"[a-zа-я]+|\d+")

# Function words and conversational filler, by lemma. Topic words never go here: a word that
# distinguishes one measure from another («грант», «срок», «сколько») must stay searchable.
STOP_LEMMAS: frozenset[str] = frozenset(
    ["а", "без", "бы", "в", "во", "вот", "все", "всё", "вы", "где", "да", "для", "до", "его", "ее", "её", "если", "есть", "еще", "ещё", "же", "за", "и", "из", "или", "им", "их", "к", "как", "какой", "каков", "ко", "когда", "кто", "ли", "либо", "мы", "на", "над", "не", "нет", "ни", "но", "ну", "о", "об", "обо", "он", "она", "они", "оно", "от", "по", "под", "при", "про", "с", "со", "так", "также", "там", "то", "тогда", "тот", "у", "уже", "чем", "что", "чтобы", "это", "этот", "я", "мой", "наш", "ваш", "свой", "себя", "быть", "мочь", "хотеть", "нужно", "нужный", "надо", "можно", "который", "такой", "весь", "сам", "самый", "очень", "пожалуйста", "подсказать", "помочь", "узнать", "интересовать", "скажите", "скажи", "здравствуйте", "привет", "добрый", "день", "вопрос"]
)


def tokens(text: str) -> list[str]:
    """Lower-cased surface tokens of ``text``, «ё» folded to «е», punctuation removed."""
    return _TOKEN_RE.findall(text.lower().replace("ё", "е"))
