"""Domain rules, free of any UI toolkit."""
