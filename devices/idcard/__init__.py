"""Second-generation ID card reader (GA/T 467 serial protocol)."""
