"""Site shell: base templates, static files, home page, navigation, health check."""
