"""Print the pinned requirements of pyproject.toml, one per line, for `pip install -r -`.

    python packaging/requirements.py            # what the app needs
    python packaging/requirements.py test       # ... and the test tools

Rapport runs from its source folder, so `make` installs only the dependencies, not the project
itself: an editable install adds an import path finder to every start (about 19 ms) and makes
setuptools warn about the folders beside it.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))["project"]
requirements = list(project["dependencies"])
for extra in sys.argv[1:]:
    requirements += project["optional-dependencies"][extra]
print("\n".join(requirements))
