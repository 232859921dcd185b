"""The learned flag: a linear model over n-grams and the rules' features, explainable, no pickle.

features (what the model sees) -> model (plain-number model, JSON files) -> layer (rules +
model -> flag and reasons); train (scikit-learn fitting, training only); labels (reading a
labeled table); default (the shipped model and its redistributable data).
"""

from monitor.learned.layer import Judged, judge_with_model
from monitor.learned.model import LearnedModel, ModelFileError, Verdict, load_model

__all__ = ["Judged", "LearnedModel", "ModelFileError", "Verdict", "judge_with_model", "load_model"]
