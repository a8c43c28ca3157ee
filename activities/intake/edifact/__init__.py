"""UN/EDIFACT (directories D.96A and later): reading ORDRSP, DESADV and INVOIC
(`read`, one module per message type, sharing `reading` and `values`), the
interchange syntax (`syntax`), and writing ORDERS (`write`)."""
