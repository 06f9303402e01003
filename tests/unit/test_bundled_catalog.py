"""The bundled catalog, parsed once, and the metric names it lends a dataset's own catalog."""

from __future__ import annotations

from dataclasses import replace

from dialogs.entities import bundled_catalog as bundled_for_dialogs
from services.bundled_catalog import bundled_catalog, metric_name
from services.persistence.repository import CatalogCache


def test_the_bundled_catalog_is_parsed_once_for_every_layer() -> None:
    assert bundled_catalog() is bundled_for_dialogs() is CatalogCache().bundled()


def test_a_metric_is_named_by_the_dataset_catalog_then_the_bundled_one_then_its_id_in_words() -> None:
    bundled = bundled_catalog()
    unnamed = replace(bundled, metrics={})  # a dataset's catalog naming no metric, as the contract's example
    assert metric_name(unnamed, "azure_consumption_usd") == "Azure consumption"
    assert metric_name(unnamed, "azure_consumption_usd", "de") == "Azure-Verbrauch"
    assert metric_name(unnamed, "made_up_metric") == "made up metric"
    own = replace(bundled, metrics={"azure_consumption_usd": replace(bundled.metrics["azure_consumption_usd"],
                                                                     name=bundled.metrics["power_bi_seats"].name)})
    assert metric_name(own, "azure_consumption_usd") == bundled.metric_name("power_bi_seats")  # its own name wins
