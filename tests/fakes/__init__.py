"""In-memory fakes of the persistence layer, for fast unit tests of the use cases (fakes, not mocks)."""
