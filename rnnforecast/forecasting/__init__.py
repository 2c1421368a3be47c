"""Forecasting pandas series with the estimators: windows, the forecaster,
backtests, metrics and plots.

- :mod:`~rnnforecast.forecasting.windows`: a series cut into supervised windows;
- :mod:`~rnnforecast.forecasting.panel`, :mod:`~rnnforecast.forecasting.streaming`,
  :mod:`~rnnforecast.forecasting.static`: one series or many in any layout,
  panels read a partition at a time, static covariates;
- :mod:`~rnnforecast.forecasting.transforms`, :mod:`~rnnforecast.forecasting.calendar`:
  log, Box-Cox and differences; the frequency and season of an index;
- :mod:`~rnnforecast.forecasting.forecaster`: ``WindowForecaster``;
- :mod:`~rnnforecast.forecasting.es_hybrid`: ``ESRNNForecaster``, Smyl's ES-RNN hybrid;
- :mod:`~rnnforecast.forecasting.forecast_ensemble`, :mod:`~rnnforecast.forecasting.combination`:
  one forecaster over seeds and window lengths, and different forecasters combined;
- :mod:`~rnnforecast.forecasting.backtest`, :mod:`~rnnforecast.forecasting.metrics`,
  :mod:`~rnnforecast.forecasting.plotting`: historical forecasts, their
  errors, and plots;
- :mod:`~rnnforecast.forecasting.sktime`: a sktime forecaster (optional extra).

Their public objects are importable from :mod:`rnnforecast` too.
"""
