import os

# Lets scikit-learn's array-API check run instead of skipping; must be set
# before scipy is imported.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
