"""Examples that embed ticketcore; importable from the repository root, not installed with the library."""
