"""A regressor that keeps the windows a forecaster trained it on."""

import numpy as np
from sklearn.utils import Tags, TargetTags


class WindowRecorder:
    """Keeps the ``X`` that ``fit`` got (``X_``); predicts zeros for
    ``n_outputs`` steps."""

    def __init__(self, n_outputs=2):
        self.n_outputs = n_outputs

    def fit(self, X, y):
        self.X_ = X
        return self

    def predict(self, X):
        return np.zeros((len(X), self.n_outputs))

    def get_params(self, deep=True):
        return {"n_outputs": self.n_outputs}

    def set_params(self, **params):
        self.n_outputs = params.get("n_outputs", self.n_outputs)
        return self

    def __sklearn_tags__(self):
        tags = Tags(estimator_type="regressor", target_tags=TargetTags(required=True))
        tags.target_tags.multi_output = True
        return tags
