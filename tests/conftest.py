"""Suite-wide settings.

The suite runs the fast tier by default (``UNSPIN_TIER=fast``, inherited by the CLI
subprocesses): most tests pin the behaviour of the word statistics, and the language model
costs seconds per text. The model tier is tested where a test asks for it (``tier="model"``,
``--tier model``): ``tests/test_model_tier.py``.
"""

import os

os.environ.setdefault("UNSPIN_TIER", "fast")
