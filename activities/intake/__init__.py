"""Document intake: raw bytes in every format a supplier sends → normalized documents."""
