"""Small real datasets shipped inside the package, so demos run offline."""

from ._temperatures import load_daily_min_temperatures

__all__ = ["load_daily_min_temperatures"]
