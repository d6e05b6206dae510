"""The one name for a JSON object at the edge (CLI documents, manifests, stored JSON columns):
typed records everywhere else."""

from typing import Any

JsonDict = dict[str, Any]
