"""bianmin kiosk: domain core, touch UI, CLI and the composition root."""
