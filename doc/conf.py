"""Sphinx configuration of rnnforecast's documentation.

Build with ``sphinx-build -W -b html doc doc/_build/html`` (warnings are
errors, as in CI: ``tests/test_docs.py``).
"""

import importlib.util
from pathlib import Path

import rnnforecast

ROOT = Path(__file__).resolve().parents[1]

project = "rnnforecast"
author = "the rnnforecast developers"
copyright = "2026, the rnnforecast developers"
version = release = rnnforecast.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
# The sktime adapter is documented from the docs extra alone: without the
# optional sktime, autodoc imports its module against a stand-in package.
autodoc_mock_imports = [] if importlib.util.find_spec("sktime") else ["sktime"]
# scikit-learn generates set_*_request methods; their docstrings point into
# scikit-learn's own documentation.
autodoc_default_options = {
    "members": True,
    # Inherited members are documented where rnnforecast defines them (a
    # forecaster's intervals come from a mixin), never other libraries'.
    "inherited-members": True,
    "exclude-members": ",".join(f"set_{method}_request" for method in (
        "fit", "partial_fit", "predict", "predict_proba", "predict_log_proba", "score",
        "transform",
        "inverse_transform", "split")),
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# The estimators' docstrings cross-reference each other and scikit-learn by
# name; only names this site documents become links.
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/.*\.py",
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
}

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip"]

html_theme = "pydata_sphinx_theme"
html_title = f"rnnforecast {release}"
html_static_path = []
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_show_sourcelink = False


def _defined_in(obj):
    """The module that defines a member (a property's getter, a
    classmethod's function), or "" when it cannot say."""
    target = getattr(obj, "fget", obj)
    target = getattr(target, "__func__", target)
    return getattr(target, "__module__", None) or ""


def _skip_inherited_from_others(app, what, name, obj, skip, options):
    """Leave out members a class inherits from other libraries (scikit-learn's
    get_params, sktime's fit and tags...): those libraries document them."""
    module = _defined_in(obj)
    return True if module and not module.startswith("rnnforecast") else None


def setup(app):
    app.connect("autodoc-skip-member", _skip_inherited_from_others)
