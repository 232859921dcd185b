"""The learned layer: training a small table, explanations, JSON round trip, bad files refused."""

from __future__ import annotations

import json

import pytest

from monitor.learned import ModelFileError, judge_with_model, load_model
from monitor.learned.default import default_model
from monitor.learned.features import char_ngrams, word_ngrams
from monitor.learned.labels import parse_label
from monitor.learned.layer import features_of
from monitor.learned.train import fit
from monitor.scoring import score_text

# A shop whose customers complain about "the parcel" in plain words the rules do not know.
TABLE = [
    ("the parcel is in limbo again", 1),
    ("parcel in limbo for a week now", 1),
    ("my parcel stuck in limbo, day 6", 1),
    ("limbo parcel, no idea where it went", 1),
    ("parcel limbo continues, hour 4 of tracking", 1),
    ("parcel limbo is my new hobby apparently", 1),
    ("lovely parcel arrived today", 0),
    ("the parcel came early, nice packaging", 0),
    ("got my parcel, the scarf is gorgeous", 0),
    ("parcel arrived, exactly as pictured", 0),
    ("what a cute little parcel, arrived friday", 0),
    ("new season colours look great", 0),
]


@pytest.fixture(scope="module")
def model():
    texts, labels = zip(*TABLE, strict=True)
    return fit(list(texts), list(labels))


def judged(model, text):
    return judge_with_model(model, text, score_text(text))


def test_a_model_learns_a_word_the_rules_do_not_know(model):
    text = "parcel in limbo since monday"
    assert not score_text(text).flagged
    result = judged(model, text)
    assert result.flagged
    assert result.verdict.probability > 0.5
    assert not judged(model, "the parcel arrived, lovely").flagged


def test_a_flag_names_the_learned_terms_that_pushed_it(model):
    result = judged(model, "parcel in limbo since monday")
    names = [term for term, _ in result.verdict.terms]
    assert len(names) == 3
    assert "'limbo'" in names
    assert all(value > 0 for _, value in result.verdict.terms)
    reasons = [r for r in result.reasons if r.startswith("learned: '")]
    assert reasons and "'limbo' +" in " ".join(reasons)


def test_a_post_not_flagged_names_the_terms_that_held_it_back(model):
    text = "lovely parcel arrived today"
    verdict = model.verdict(text, features_of(text, score_text(text)), explain=True)
    assert not verdict.flagged
    assert verdict.terms and all(value < 0 for _, value in verdict.terms)


def test_save_and_load_give_identical_probabilities(model, tmp_path):
    path = tmp_path / "m.json"
    model.save(path)
    again = load_model(path)
    for text, _ in TABLE:
        assert judged(again, text).verdict == judged(model, text).verdict
    assert json.loads(path.read_text())["format"] == "makegood-learned-model"


def test_the_hand_written_scorer_matches_scikit_learn():
    """The JSON model's probabilities are those of the fitted pipeline it was copied from."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts, labels = zip(*TABLE, strict=True)
    m = fit(list(texts), list(labels))
    # Rebuild the sparse rows from the saved vocabularies with scikit-learn itself.
    wv = TfidfVectorizer(
        analyzer=word_ngrams, sublinear_tf=True, vocabulary=sorted(m.words.weights)
    )
    cv = TfidfVectorizer(
        analyzer=char_ngrams, sublinear_tf=True, vocabulary=sorted(m.chars.weights)
    )
    wv.idf_ = np.array([m.words.weights[t][0] for t in sorted(m.words.weights)])
    cv.idf_ = np.array([m.chars.weights[t][0] for t in sorted(m.chars.weights)])
    coef = np.array(
        [m.words.weights[t][1] for t in sorted(m.words.weights)]
        + [m.chars.weights[t][1] for t in sorted(m.chars.weights)]
    )
    for text in texts:
        x = hstack([wv.transform([text]), cv.transform([text])]).tocsr()
        rules = features_of(text, score_text(text))
        dense = sum(
            (v - mu) / s * c
            for v, mu, s, c in zip(rules, m.rule_mean, m.rule_scale, m.rule_coef, strict=True)
        )
        logit = float((x @ coef)[0]) + dense + m.intercept
        expected = 1 / (1 + np.exp(-logit))
        assert judged(m, text).verdict.probability == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "makegood-learned-model", "vers', "bad or truncated JSON"),
        ("[1, 2]", "not a model file"),
        ('{"format": "other"}', "not a model file"),
        ('{"format": "makegood-learned-model", "version": 99}', "format version 99"),
    ],
)
def test_a_bad_model_file_is_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ModelFileError, match=message) as caught:
        load_model(path)
    assert str(path) in str(caught.value)


def test_a_model_with_a_wrong_field_is_refused(model, tmp_path):
    data = model.to_json()
    data["words"]["coef"] = data["words"]["coef"][:-1]
    path = tmp_path / "short.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match=f"{path}: field 'coef' has"):
        load_model(path)
    data = model.to_json()
    data["intercept"] = "__import__('os')"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="'intercept' is not a finite number"):
        load_model(path)


def test_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "none.json")


def test_the_shipped_default_model_loads_and_explains():
    result = judged(default_model(), "@acme still waiting for my refund, terrible service")
    assert result.flagged and len(result.verdict.terms) == 3


@pytest.mark.parametrize(
    "value, label",
    [("1", 1), ("true", 1), ("Complaint", 1), ("yes", 1), (1, 1), (True, 1),
     ("0", 0), ("false", 0), ("no", 0), (0, 0), (False, 0),
     ("maybe", None), ("", None), (None, None), (2, None)],
)  # fmt: skip
def test_labels(value, label):
    assert parse_label(value) == label


def test_character_ngrams_are_scikit_learns_char_wb():
    from sklearn.feature_extraction.text import CountVectorizer

    text = "still  waiting, ok?"
    ours = sorted(char_ngrams(text))
    theirs = CountVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()(text)
    assert ours == sorted(theirs)


def test_a_safety_flag_of_the_rules_stays_whatever_the_model_says():
    calm = [("the charger works fine", 0), ("charger arrived fine", 0), ("late charger", 1)]
    texts, labels = zip(*(calm * 3), strict=True)
    model = fit(list(texts), list(labels))
    text = "the charger caught fire and burned my hand"
    assert score_text(text).category == "safety"
    result = judged(model, text)
    assert not result.verdict.flagged  # the model, seeing no fire in training, would not
    assert result.flagged
    assert "kept flagged: the rules see a safety matter" in result.reasons
