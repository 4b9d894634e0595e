"""The proxy agent's tablet (代办): its own Kivy App and screens on the core's agent mode
(``kiosk.core.agents``). Importing this package does not import Kivy. ``kiosk.ui`` never
imports it; it reuses the kiosk's theme, service thread and Kivy set-up."""
