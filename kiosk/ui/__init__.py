"""The kiosk touch UI (Kivy). Importing this package does not import Kivy."""
