"""Users, organisations (businesses), staff roles per agency, TOTP and login throttling."""
