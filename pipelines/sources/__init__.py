"""Sources: HTTP clients and file readers, each with a snapshot twin that serves the bundled sample."""
