"""Messages to users. The outbox and SMS/Zalo channels come with the workflow issue."""
