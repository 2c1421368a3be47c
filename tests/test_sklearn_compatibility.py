"""scikit-learn's own estimator checks, over every public estimator (and a
bidirectional one).

No check is expected to fail. One check runs with a setting of its own, as
scikit-learn's test suite does for its estimators (``PER_ESTIMATOR_CHECK_PARAMS``
in ``sklearn/utils/_test_common/instance_generator.py``):

- ``check_sample_weight_equivalence_on_dense_data`` compares a model fitted
  with integer weights to one fitted on repeated rows to ``rtol=1e-7``. The
  two sum the same gradient terms in a different order, which in float32
  leaves differences of about 1e-6; in float64 they agree to rtol 1e-7. The
  check runs with ``dtype="float64"``: the equivalence it tests is a
  property of the loss, not of the precision.
"""

from functools import partial

from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from rnnforecast import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMFCNClassifier,
    LSTMRegressor,
    SimpleRNNClassifier,
    SimpleRNNRegressor,
)

ESTIMATORS = [SimpleRNNRegressor(), SimpleRNNClassifier(), LSTMRegressor(),
              LSTMClassifier(), GRURegressor(), GRUClassifier(),
              GRUClassifier(bidirectional=True),
              # The arm (with the shuffle and balanced class weights) as
              # LSTMFCNClassifier, narrowed to stay quick; its regressor path
              # is checked in test_lstm_fcn.py. Per-series scaling (its
              # default) is left to test_scaling.py: the checks' tabular
              # blobs differ by level, which it removes by design.
              LSTMFCNClassifier(conv_filters=(4, 8, 4), scale_inputs=True)]

CHECK_PARAMS = {
    "check_sample_weight_equivalence_on_dense_data": {"dtype": "float64"},
}


def _check_name(check):
    return check.func.__name__ if isinstance(check, partial) else check.__name__


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_check(estimator, check):
    params = CHECK_PARAMS.get(_check_name(check))
    if params:
        estimator = clone(estimator).set_params(**params)
    check(estimator)
