"""Data in and models out: the bundled dataset, saving and loading models,
and the ``rnnforecast`` command line.

Each module is also importable by its short name (``rnnforecast.datasets``,
``rnnforecast.persistence``, ``rnnforecast.cli``; see ``rnnforecast._aliases``).
"""
