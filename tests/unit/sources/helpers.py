"""Small assertions shared by the web source tests."""

import pytest

from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.sources.base import SourceItem


def error_of(item: SourceItem) -> str:
    """The message of the SourceError that `item.read()` raises (fails if it does not)."""
    with pytest.raises(SourceError) as raised:
        item.read()
    return str(raised.value)
