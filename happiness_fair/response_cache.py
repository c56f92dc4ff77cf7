"""Whole answers to public anonymous reads (JSON and pages), kept in this process under their
ETag (issue 22); a page is kept with a blank for the CSRF token, each visitor's own filled in
(versions._stored, versions._from_cache).

The ETag of `versions.conditional_get` is a digest of everything such an answer depends on: the
versions kept in the database (read once per request, so a change committed by any worker is
seen at once), the URL, the language, 长辈版 and the headers that choose the form. The same
digest keys this cache: while it is current the stored answer is the one the view would give,
and once a version has moved no request asks for it again, so it simply ages out. There is no
time-to-live.

Bounded by bytes (RESPONSE_CACHE_BYTES, 0 switches it off), least recently used out first, one
lock around the bookkeeping (gunicorn's threads share it).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import NamedTuple

# What a stored answer costs beyond its body and headers (the tuple, the key, the dict slot):
# counted so that many small answers cannot grow past the bound unseen.
ENTRY_OVERHEAD_BYTES = 400
# No single answer may take more than this share of the cache (a huge page would push out
# every small, often asked one).
LARGEST_SHARE = 4

_caches: weakref.WeakSet[ResponseCache] = weakref.WeakSet()


class StoredAnswer(NamedTuple):
    body: bytes
    headers: tuple[tuple[str, str], ...]

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD_BYTES


class ResponseCache:
    """A 200 answer per key, least recently used dropped first beyond `max_bytes`."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._answers: OrderedDict[Hashable, StoredAnswer] = OrderedDict()
        self._bytes = 0
        _caches.add(self)

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: Hashable) -> StoredAnswer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, answer: StoredAnswer) -> None:
        size = answer.size
        if size * LARGEST_SHARE > self.max_bytes:
            return
        with self._lock:
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._answers[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._answers.popitem(last=False)
                self._bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._bytes = 0


def clear_all() -> None:
    """Forget every stored answer in this process (tests that rewrite tables behind the ORM)."""
    for cache in list(_caches):
        cache.clear()
