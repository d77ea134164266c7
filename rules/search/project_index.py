"""The measures' BM25F index for any documents given as weighted text fields (the project registry).

``build_index`` lays out measures and FAQ entries; projects are neither, but must be ranked by
exactly the same rules (normalisation, morphology, synonym concepts, field weights, length
normalisation, idf, saturation, typo correction) so that «найти партнёра по композитам» behaves
like a question about measures. This module is that layout step for plain ``(id, kind, title,
fields)`` records; the resulting ``SearchIndex`` is queried with the same ``search``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from rules.search.index import FIELD_B, K1, Document, SearchIndex, _analyse_fields
from rules.search.morphology import Morphology
from rules.search.normalise import STOP_LEMMAS
from rules.search.synonyms import CONCEPT_PREFIX, SynonymGroup, SynonymTable

Record = tuple[str, str, str, Mapping[str, str]]  # id, kind, title, field name → text


def index_documents(records: Sequence[Record], weights: Mapping[str, float], synonyms: Sequence[SynonymGroup],
                    morphology: Morphology, table: SynonymTable | None = None) -> SearchIndex:
    """Analyse every field of every record once and lay out BM25F postings (as ``build_index``)."""
    table = table or SynonymTable.compile(synonyms, morphology)
    documents = [Document(rid, kind, title) for rid, kind, title, _ in records]
    field_terms = [_analyse_fields(dict(fields), table, morphology) for _, _, _, fields in records]
    lengths: dict[str, list[int]] = {}
    for fields_ in field_terms:
        for name, _, length in fields_:
            lengths.setdefault(name, []).append(length)
    average = {name: max(1.0, sum(v) / len(v)) for name, v in lengths.items()}
    weighted: dict[str, list[tuple[int, float]]] = {}
    for doc, fields_ in enumerate(field_terms):
        per_term: dict[str, float] = {}
        for name, counts, length in fields_:
            w = weights.get(name, 1.0) / (1.0 - FIELD_B + FIELD_B * length / average[name])
            for term, count in counts.items():
                per_term[term] = per_term.get(term, 0.0) + w * count
        for term, wtf in per_term.items():
            weighted.setdefault(term, []).append((doc, wtf))
    n = len(documents)
    idf = {term: math.log(1.0 + (n - len(p) + 0.5) / (len(p) + 0.5)) for term, p in weighted.items()}
    postings = {term: tuple((doc, idf[term] * wtf / (K1 + wtf)) for doc, wtf in plist)
                for term, plist in weighted.items()}
    known = set(postings) | set(table.phrase_terms())
    by_length: dict[int, list[str]] = {}
    for term in sorted(known):
        if not term.startswith(CONCEPT_PREFIX) and term.isalpha() and term not in STOP_LEMMAS:
            by_length.setdefault(len(term), []).append(term)
    return SearchIndex(documents=tuple(documents), morphology=morphology, synonyms=table, postings=postings,
                       idf=idf, max_idf=math.log(1.0 + (n + 0.5) / 0.5), _by_length=by_length,
                       _known=frozenset(known))
