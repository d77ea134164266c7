"""Streaming a ФНС open-data ZIP: member by member, chunk by chunk, into an expat parser.

Decisions:
- Constant memory whatever the release size: a member is never read whole, and each
  ``Документ`` is dropped from the tree as soon as its closing tag has been turned into a
  record (the C parser of ``xml.etree`` does the tokenising; Python sees one element per
  record, which keeps the import close to the speed of a bare parse).
- Lenient: a member that is not well-formed XML, or whose bytes are corrupt in the ZIP,
  is counted as failed and the import goes on. The records it yielded before the fault are
  kept (they were complete). Members that are not ``*.xml`` are counted as skipped.
- The parser honours each file's XML declaration (UTF-8 in practice; an 8-bit codec such as
  windows-1251 also works): we never force a codec.
- Progress is measured in uncompressed bytes against the total the ZIP directory declares,
  which gives an honest ETA before the number of records is known.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, Protocol, TypeVar, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

CHUNK_BYTES = 256 * 1024
FIRST_CHUNK_BYTES = 4 * 1024
MAX_FAILURES_KEPT = 20

T_co = TypeVar("T_co", covariant=True)
T = TypeVar("T")


@dataclass(slots=True)
class StreamStats:
    """Counters of one pass over a release; the importer stores them as provenance."""

    members: int = 0
    members_failed: int = 0
    members_skipped: int = 0
    docs_seen: int = 0
    docs_malformed: int = 0
    docs_kept: int = 0
    docs_filtered_out: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    form_versions: set[str] = field(default_factory=set)
    info_types: set[str] = field(default_factory=set)
    state_date: date | None = None  # the latest ДатаСост seen
    failures: list[str] = field(default_factory=list)  # "member: reason", the first few

    def fail(self, member: str, reason: str) -> None:
        self.members_failed += 1
        if len(self.failures) < MAX_FAILURES_KEPT:
            self.failures.append(f"{member}: {reason}")

    def see_state_date(self, value: date | None) -> None:
        if value is not None and (self.state_date is None or value > self.state_date):
            self.state_date = value


DOCUMENT = "Документ"


class DocumentHandler(Protocol[T_co]):
    """Turns the elements of one XML file into records; ``take()`` hands over those finished."""

    def on_file(self, attrs: dict[str, str]) -> None: ...

    def on_document(self, document: Element) -> None: ...

    def take(self) -> Sequence[T_co]: ...


class ReleaseReader(Generic[T]):
    """Iterate the records of a release ZIP; ``stats`` fills in as the iteration goes."""

    def __init__(
        self,
        path: Path | str,
        handler_factory: Callable[[StreamStats], DocumentHandler[T]],
        *,
        on_progress: Callable[[StreamStats], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.stats = StreamStats()
        self._factory = handler_factory
        self._on_progress = on_progress

    def __iter__(self) -> Iterator[T]:
        stats = self.stats
        with zipfile.ZipFile(self.path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            xml_members = [i for i in members if i.filename.lower().endswith(".xml")]
            stats.members_skipped += len(members) - len(xml_members)
            stats.bytes_total = sum(i.file_size for i in xml_members)
            for info in xml_members:
                stats.members += 1
                yield from self._member(archive, info)

    def _member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[T]:
        stats = self.stats
        handler = self._factory(stats)
        parser = _MemberParser(handler)
        done_before = stats.bytes_done
        try:
            with archive.open(info) as stream:
                size = FIRST_CHUNK_BYTES  # small, so the root is found before many events queue up
                while chunk := stream.read(size):
                    size = CHUNK_BYTES
                    parser.feed(chunk)
                    stats.bytes_done += len(chunk)
                    yield from handler.take()
                    if self._on_progress is not None:
                        self._on_progress(stats)
                parser.close()
                yield from handler.take()
        except ParseError as exc:
            parser.salvage()
            yield from handler.take()
            stats.fail(info.filename, f"XML: {exc}")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            parser.salvage()
            yield from handler.take()
            stats.fail(info.filename, f"ZIP: {exc}")
        finally:
            # A failed member still counts as read in full, so the ETA stays honest.
            stats.bytes_done = done_before + info.file_size


class _MemberParser:
    """One XML file: the C parser builds the tree; Python touches only whole ``Документ`` elements.

    The root is taken from the first "start" event; after that the parser is told to report no
    more events (``_setevents``, the hook ``XMLPullParser`` itself uses), so no Python code runs
    per element. After each chunk, every child of the root but the last is complete: those are
    handed over and cut off, which bounds memory by one chunk. Should the hook ever vanish, the
    events simply keep coming and are drained — slower, same result.
    """

    def __init__(self, handler: DocumentHandler[object]) -> None:
        self._handler = handler
        self._pull: XMLPullParser[Element] = XMLPullParser(events=("start",))
        self._root: Element | None = None

    def feed(self, chunk: bytes) -> None:
        self._pull.feed(chunk)
        self._find_root()
        self._hand_over(final=False)

    def close(self) -> None:
        self._pull.close()
        self._find_root()
        self._hand_over(final=True)

    def salvage(self) -> None:
        """After a fault, keep the records that were already complete."""
        self._hand_over(final=False)

    def _find_root(self) -> None:
        if self._root is not None:
            for _ in self._pull.read_events():  # only if the hook below was unavailable
                pass
            return
        for pair in self._pull.read_events():
            _event, element = cast(tuple[str, Element], pair)
            self._root = element
            self._handler.on_file(dict(element.attrib))
            break
        if self._root is not None:
            c_parser = getattr(self._pull, "_parser", None)
            queue = getattr(self._pull, "_events_queue", None)
            if c_parser is not None and queue is not None and hasattr(c_parser, "_setevents"):
                c_parser._setevents(queue, ())
            for _ in self._pull.read_events():
                pass

    def _hand_over(self, *, final: bool) -> None:
        root = self._root
        if root is None:
            return
        complete = len(root) if final else len(root) - 1
        if complete <= 0:
            return
        on_document = self._handler.on_document
        for child in root[:complete]:
            if child.tag == DOCUMENT:
                on_document(child)
        del root[:complete]


def parse_date(text: str | None, _cache: dict[str, date | None] = {}) -> date | None:  # noqa: B006
    """``ДД.ММ.ГГГГ`` → date; anything else → None. Cached: a release repeats few dates."""
    if text is None:
        return None
    try:
        return _cache[text]
    except KeyError:
        pass
    value: date | None
    try:
        day, month, year = text.split(".")
        value = date(int(year), int(month), int(day))
    except ValueError:
        value = None
    if len(_cache) < 10_000:
        _cache[text] = value
    return value


def parse_int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = int(text.strip())
    except ValueError:
        try:
            value = round(float(text.strip().replace(",", ".")))
        except ValueError:
            return None
    return value if value >= 0 else None


def parse_amount(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None
