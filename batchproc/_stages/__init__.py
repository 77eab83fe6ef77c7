"""The built-in stages, one plugin module each, registered like any third-party plugin."""
