"""LSTM-FCN: the LSTM classifier with a convolutional arm, at the published
settings (Karim et al. 2017), as one class with those defaults."""

from .docstrings import LSTM_RECURRENCE, differing_defaults, estimator_doc
from .lstm import LSTMClassifier


class LSTMFCNClassifier(LSTMClassifier):
    # The published batch of 128, or every sequence of a smaller set.
    _AUTO_BATCH_LIMIT = 128

    def __init__(self, units=8, *, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, return_sequences=False, bidirectional=False,
                 truncated_bptt=None, embedding_dim=None, n_tokens=None, mask_zero=False,
                 dropout=0.0, recurrent_dropout=0.0, readout_dropout=0.0,
                 kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", solver="adam",
                 learning_rate="adaptive", learning_rate_init=0.001, alpha=0.0001,
                 batch_size="auto", max_iter=300, shuffle=True, tol=1e-4,
                 n_iter_no_change=20, early_stopping=False, validation_fraction=0.1,
                 validation_split="auto", beta_1=0.9, beta_2=0.999, epsilon=1e-8, rho=0.9,
                 momentum=0.9, nesterovs_momentum=True, clipnorm=None, clipvalue=None,
                 class_weight="balanced", warm_start=False, random_state=None,
                 verbose=False, dtype="float32", scale_inputs="series", input_pooling=None,
                 readout="last", window_order="oldest_first",
                 conv_filters=(128, 256, 128), conv_kernel_sizes=(8, 5, 3),
                 dimension_shuffle=True):
        # Every parameter passed on by name: the signature is the one place
        # the defaults live (scikit-learn's get_params reads them there).
        parameters = {name: value for name, value in locals().items()
                      if name not in ("self", "__class__")}
        super().__init__(**parameters)


LSTMFCNClassifier.__doc__ = estimator_doc(
    "classifier",
    "LSTM-FCN classifier: convolutions and an LSTM side by side.",
    """:class:`LSTMClassifier` with the settings of LSTM-FCN (Karim et al.
    2017), the recurrent model that matches whole shapes of long series:
    three Conv1D blocks of 128, 256 and 128 filters (kernels 8, 5, 3), each
    with batch normalisation and ReLU, averaged over time, beside 8 LSTM
    cells that read each series transposed (the dimension shuffle: one step
    whose inputs are all its values). Every series is z-normalised on its
    own, classes are weighted by their frequencies, and Adam's step is
    divided by 5 whenever the training loss stops falling for
    ``n_iter_no_change`` epochs, with no validation share held out (sets of
    a few dozen series cannot spare one). Every parameter can be changed as
    in :class:`LSTMClassifier`; only the defaults differ. The published
    recipe trains up to 2,000 epochs; here at most ``max_iter``, and the
    plateau rule ends most fits sooner (``benchmarks/README.md``,
    "LSTM-FCN").""",
    LSTM_RECURRENCE,
    """LSTMClassifier : The same estimator with plain recurrent defaults.""",
    """>>> import numpy as np
>>> from rnnforecast import LSTMFCNClassifier
>>> rng = np.random.RandomState(0)
>>> t = np.linspace(0, 1, 60)
>>> y = np.arange(40) % 2
>>> X = np.sin(np.pi * t * np.where(y == 1, 8, 2)[:, None])   # class 1: a faster wave
>>> X += rng.normal(scale=0.3, size=X.shape)
>>> model = LSTMFCNClassifier(conv_filters=(8, 16, 8), max_iter=30, random_state=0)
>>> model.fit(X, y).score(X, y) > 0.9
True""",
    defaults=differing_defaults(LSTMFCNClassifier, LSTMClassifier),
    auto_batch=LSTMFCNClassifier._AUTO_BATCH_LIMIT)
