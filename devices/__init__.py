"""Peripheral drivers and simulators: ID card reader, receipt printer, QR scanner.

Knows nothing of Kivy, of the kiosk domain or of offline_sync.
"""
