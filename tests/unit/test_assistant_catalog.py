"""The recognizer's view of the active catalog: looked up again only every CATALOG_RECHECK_SECONDS."""

from __future__ import annotations

from services.domain.catalog import parse_catalog
from tests.answers_dataset import CATALOG

CATALOG_PARSED = parse_catalog(CATALOG)


async def test_the_recognizers_catalog_is_looked_up_again_only_after_the_recheck_interval(monkeypatch):
    import services.assistant as assistant_module
    from services.assistant import Assistant

    class CountingUows:
        calls = 0

        def __call__(self):
            CountingUows.calls += 1
            return self

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return False

        @property
        def repository(self):
            return self

        async def active_catalog(self):
            return CATALOG_PARSED

    ticks = iter([100.0, 105.0, 111.0])

    class Ticking:  # the assistant's own view of the process clock; asyncio keeps the real one
        @staticmethod
        def monotonic() -> float:
            return next(ticks)

    monkeypatch.setattr(assistant_module, "time", Ticking)
    assistant = Assistant(CountingUows())  # type: ignore[arg-type]

    assert [await assistant.catalog() for _ in range(3)] == [CATALOG_PARSED] * 3
    assert CountingUows.calls == 2  # at 100 s, and again at 111 s (10 s later); 105 s used the first
