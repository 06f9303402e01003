"""Partner Center Insights exports (SPEC 4.8): the CSV files a partner admin downloads, read row by
row and written through the dataset importer's upserts in one transaction."""
