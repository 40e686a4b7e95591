"""Messages to users: the outbox (``models``) and plain e-mail (``mailer``)."""
