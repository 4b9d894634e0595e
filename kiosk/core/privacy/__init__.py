"""What the device does for the privacy of the people whose data it holds (PIPL).

- :mod:`.files`: the data directory is private (0700 / 0600) and tidy after a crash;
- :mod:`.retention`: personal data of finished cases leaves the device after
  ``[privacy] retain_days``.
"""
