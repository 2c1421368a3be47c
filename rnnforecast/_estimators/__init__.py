"""scikit-learn estimators over the recurrent core, and their input handling.

- ``inputs``, ``validation``: any accepted ``X`` read into one frozen
  description; parameter and weight checks;
- ``scaling``, ``pooling``, ``ridge``, ``pinball``, ``resources``:
  standardisation statistics, averaging blocks of steps, the regressors'
  linear skip path, scores of absolute and quantile losses, a fit's memory
  and work estimated before anything is allocated;
- ``base``: the base class regressors and classifiers share (validation,
  epoch loop, early stopping); ``regressor``, ``classifier``: what each adds;
- ``simple_rnn``, ``lstm``, ``gru``: the public estimators, one cell each
  (exported by :mod:`rnnforecast`), with ``docstrings`` composing their
  documentation.
"""
