"""Format dialects: pure conversions between each format's metadata documents and the core model."""
