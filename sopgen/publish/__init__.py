"""Publishing: status and history in the catalog, verification (QR, katalog.json), signatures."""
