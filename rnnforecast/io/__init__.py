"""Data in and models out: the bundled dataset, saving and loading models,
and the ``rnnforecast`` command line.

Their public objects are importable from :mod:`rnnforecast` too.
"""
