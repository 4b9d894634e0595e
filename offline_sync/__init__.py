"""Local store, outbox, sync engine, platform client and reference platform server.

Knows nothing of Kivy, of the kiosk domain or of devices.
"""
