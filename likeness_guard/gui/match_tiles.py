"""The Matches grid as data: one tile per distinct image, in rows, without any widget.

A scan can find thousands of images. The grid keeps them here, in score order, and builds
widgets (and decodes previews) only for the rows near what is on screen
(`gui/widgets/match_grid.py`), so the window's memory does not grow with the scan.
"""

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from likeness_guard.core.domain.records import MatchTier, ScanItem, Verdict, item_tier
from likeness_guard.core.services.reviewing import SAME_PICTURE_DISTANCE, PictureAnswer


@dataclass(eq=False)
class MatchTile:
    """One distinct picture: the item shown, every copy of the same bytes found, the other
    versions of the same picture (resized, re-encoded, captioned: other bytes whose PDQ
    hashes are close), and what the person did with it on the grid (whether the filters
    show it, whether it is revealed)."""

    item: ScanItem
    copies: list[ScanItem] = field(default_factory=list)
    similar: list[ScanItem] = field(default_factory=list)
    shown: bool = True
    revealed: bool = False
    # An answer given to another version of this picture (other bytes, found elsewhere),
    # shown as such until the person confirms it for these bytes.
    other_version: PictureAnswer | None = None

    def __post_init__(self) -> None:
        if not self.copies:
            self.copies = [self.item]

    @property
    def possible(self) -> bool:
        """Below the threshold but worth checking: shown apart, after the matches."""
        return item_tier(self.item) is MatchTier.POSSIBLE

    @property
    def similarity(self) -> float:
        return self.item.best_similarity or 0.0

    def holds(self, item_id: int) -> bool:
        """Whether `item_id` is this image, one of its copies or another version of it."""
        return any(copy.id == item_id for copy in (*self.copies, *self.similar))

    def add_copy(self, item: ScanItem) -> bool:
        """The same bytes found again; False when this item was already counted."""
        if self.holds(item.id):
            return False
        self.copies.append(item)
        return True

    def add_similar(self, item: ScanItem) -> bool:
        """Another version of the same picture; False when this item was already counted."""
        if self.holds(item.id):
            return False
        self.similar.append(item)
        return True

    @property
    def similar_sha256s(self) -> list[str]:
        """The bytes of the other versions, each once."""
        return list(dict.fromkeys(item.sha256 for item in self.similar if item.sha256))

    def set_verdict(self, verdict: Verdict | None) -> None:
        """An answer belongs to the picture: every copy and version shows it."""
        self.item = replace(self.item, verdict=verdict)
        self.copies = [replace(copy, verdict=verdict) for copy in self.copies]
        self.similar = [replace(other, verdict=verdict) for other in self.similar]

    def take_answer(self, answer: PictureAnswer | None) -> bool:
        """Show the answer that holds for this picture now (its own, or another version's);
        returns whether what the tile says changed."""
        own = answer.verdict if answer is not None and answer.own else None
        other = answer if answer is not None and not answer.own else None
        changed = own is not self.item.verdict or other != self.other_version
        if own is not self.item.verdict:
            self.set_verdict(own)
        self.other_version = other
        return changed


class TileList:
    """The tiles in score order (most similar first; equal scores in the order found), with
    look-ups by SHA-256, by item id and by picture (PDQ hash)."""

    def __init__(self) -> None:
        self._tiles: list[MatchTile] = []
        self._keys: list[float] = []  # minus the similarity of each tile, ascending
        self._by_sha: dict[str, MatchTile] = {}
        self._by_item: dict[int, MatchTile] = {}
        self._pictures = _PictureIndex()

    def __len__(self) -> int:
        return len(self._tiles)

    def __iter__(self) -> Iterator[MatchTile]:
        return iter(self._tiles)

    def __getitem__(self, index: int) -> MatchTile:
        return self._tiles[index]

    def add(self, item: ScanItem) -> MatchTile | None:
        """Add a found item; returns its new tile, or None when it joined the tile of the same
        bytes or of the same picture (or was there already)."""
        known = self._by_item.get(item.id)
        if known is not None and item.id:
            return None
        joins = self._by_sha.get(item.sha256 or "") or self._pictures.find(item.picture_pdq)
        if joins is not None:  # the same bytes, or another version of the same picture
            copy = item.sha256 is not None and item.sha256 == joins.item.sha256
            if joins.add_copy(item) if copy else joins.add_similar(item):
                self._by_item[item.id] = joins
                if item.sha256:
                    self._by_sha.setdefault(item.sha256, joins)
            return None
        tile = MatchTile(item)
        position = bisect_right(self._keys, -tile.similarity)
        self._tiles.insert(position, tile)
        self._keys.insert(position, -tile.similarity)
        if item.sha256:
            self._by_sha[item.sha256] = tile
        self._by_item[item.id] = tile
        self._pictures.add(item.picture_pdq, tile)
        return tile

    def of_item(self, item_id: int) -> MatchTile | None:
        """The tile showing `item_id` (as its image or as a copy)."""
        return self._by_item.get(item_id)


class _PictureIndex:
    """The tiles' picture hashes, searched all at once: a person's matches can number
    thousands, and each new one is compared with every tile."""

    def __init__(self) -> None:
        self._hashes = np.zeros((64, 32), np.uint8)  # 256-bit PDQ hashes, grown as needed
        self._tiles: list[MatchTile] = []

    def add(self, pdq: str | None, tile: MatchTile) -> None:
        if not pdq:
            return
        if len(self._tiles) == len(self._hashes):
            self._hashes = np.vstack([self._hashes, np.zeros_like(self._hashes)])
        self._hashes[len(self._tiles)] = np.frombuffer(bytes.fromhex(pdq), np.uint8)
        self._tiles.append(tile)

    def find(self, pdq: str | None) -> MatchTile | None:
        """The tile whose picture is closest to `pdq`, within SAME_PICTURE_DISTANCE."""
        if not pdq or not self._tiles:
            return None
        wanted = np.frombuffer(bytes.fromhex(pdq), np.uint8)
        bits = np.bitwise_count(self._hashes[: len(self._tiles)] ^ wanted).sum(axis=1)
        closest = int(bits.argmin())
        return self._tiles[closest] if bits[closest] <= SAME_PICTURE_DISTANCE else None


@dataclass(frozen=True)
class GridRow:
    """One row of the grid: tiles side by side, or (with no tiles) the heading above the
    possible matches."""

    tiles: tuple[MatchTile, ...] = ()

    @property
    def is_heading(self) -> bool:
        return not self.tiles


def shown_in_grid_order(tiles: Sequence[MatchTile] | TileList) -> list[MatchTile]:
    """The tiles the filters show, as the grid lays them out: matches, then possible ones."""
    shown = [tile for tile in tiles if tile.shown]
    return [t for t in shown if not t.possible] + [t for t in shown if t.possible]


def grid_rows(tiles: Sequence[MatchTile] | TileList, columns: int) -> list[GridRow]:
    """The shown tiles in rows of `columns`; possible matches start a new row after a
    heading row."""
    columns = max(1, columns)
    shown = [tile for tile in tiles if tile.shown]
    matches = [t for t in shown if not t.possible]
    possible = [t for t in shown if t.possible]

    def chunks(part: list[MatchTile]) -> list[GridRow]:
        return [GridRow(tuple(part[i : i + columns])) for i in range(0, len(part), columns)]

    rows = chunks(matches)
    if possible:
        rows.append(GridRow())
        rows.extend(chunks(possible))
    return rows


def rows_between(tops: Sequence[int], heights: Sequence[int], top: int, bottom: int) -> range:
    """The rows that overlap the band [top, bottom) (tops ascending); empty when none does."""
    first = max(0, bisect_right(tops, top) - 1)
    while first < len(tops) and tops[first] + heights[first] <= top:
        first += 1
    last = bisect_right(tops, bottom - 1)  # rows starting before the band's end
    return range(first, max(first, last))


def widen_to(rows: Sequence[GridRow], chosen: range, tiles: int) -> range:
    """`chosen` grown below (then above) until it holds at least `tiles` tiles, or all."""
    start, stop = chosen.start, chosen.stop

    def count() -> int:
        return sum(len(rows[i].tiles) for i in range(start, stop))

    while count() < tiles and (stop < len(rows) or start > 0):
        if stop < len(rows):
            stop += 1
        else:
            start -= 1
    return range(start, stop)
