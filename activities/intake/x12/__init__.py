"""ANSI ASC X12 (004010 and later): reading 855, 856 and 810 (`read`, one
module per transaction set, sharing `reading`), the interchange syntax and
envelope rules (`syntax`, `segment`, `envelope`, `envelope_check`, `errors`),
and writing the 850 and 997 (`write`, `write_850`, `write_997`)."""
