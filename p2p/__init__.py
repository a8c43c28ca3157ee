"""The procure-to-pay domain, pure and I/O-free: rules that workflows,
activities and offline commands share (DESIGN.md "Shape")."""
