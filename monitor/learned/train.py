"""Training a LearnedModel with scikit-learn: tf-idf n-grams + scaled rule features -> logistic.

scikit-learn is used only here; what it learns is copied into plain numbers (LearnedModel),
which score without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from monitor.learned.features import char_ngrams, word_ngrams
from monitor.learned.layer import features_of
from monitor.learned.model import LearnedModel, TermTable
from monitor.scoring import score_text

MAX_WORDS = 12_000  # vocabulary caps keep a model file small (about 1 MB of JSON)
MAX_CHARS = 12_000
SMALL_SET = 200  # below this many rows, terms seen only once are kept
C = 1.0  # inverse regularisation strength of the logistic regression


def rule_matrix(
    texts: Sequence[str],
    brand_handles: tuple[str, ...] = (),
    progress: Callable[[int], None] | None = None,
) -> list[list[float]]:
    """The rule features of every text (the rules are run on each)."""
    rows = []
    for i, text in enumerate(texts, 1):
        rows.append(features_of(text, score_text(text, brand_handles=brand_handles), brand_handles))
        if progress is not None and i % 100 == 0:
            progress(100)
    if progress is not None and len(texts) % 100:
        progress(len(texts) % 100)
    return rows


def fit(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    brand_handles: tuple[str, ...] = (),
    rules: list[list[float]] | None = None,
    training: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> LearnedModel:
    """A model fitted to `texts` and their 0/1 `labels` (both classes must be present).

    `rules` may carry precomputed `rule_matrix(texts)` (the bench reuses it across folds);
    `progress(n)` is told as rule features are computed, one unit per text.
    """
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    y = np.asarray(labels, dtype=int)
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs posts of both labels (some to flag, some not)")
    if rules is None:
        rules = rule_matrix(texts, brand_handles, progress)
    # A term seen once says little in a big set; in a small one it is all there is.
    min_df = 2 if len(texts) >= SMALL_SET else 1
    word_vec = TfidfVectorizer(
        analyzer=word_ngrams, sublinear_tf=True, min_df=min_df, max_features=MAX_WORDS
    )
    char_vec = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, min_df=min_df, max_features=MAX_CHARS
    )
    xw = word_vec.fit_transform(texts)
    xc = char_vec.fit_transform(texts)
    scaler = StandardScaler()
    xr = scaler.fit_transform(np.asarray(rules, dtype=float))
    x = hstack([xw, xc, csr_matrix(xr)]).tocsr()
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    clf.fit(x, y)
    coef = clf.coef_[0]
    nw, nc = xw.shape[1], xc.shape[1]
    return LearnedModel(
        words=_table(word_vec, coef[:nw]),
        chars=_table(char_vec, coef[nw : nw + nc]),
        rule_mean=tuple(float(v) for v in scaler.mean_),
        rule_scale=tuple(float(v) if v else 1.0 for v in scaler.scale_),
        rule_coef=tuple(float(v) for v in coef[nw + nc :]),
        intercept=float(clf.intercept_[0]),
        training={
            "rows": len(texts),
            "positives": int(y.sum()),
            "c": C,
            **(training or {}),
        },
    )


def _table(vectorizer: Any, coef: Any) -> TermTable:
    idf = vectorizer.idf_
    return TermTable(
        {term: (float(idf[i]), float(coef[i])) for term, i in vectorizer.vocabulary_.items()}
    )


__all__ = ["fit", "rule_matrix"]
