"""partnerbot: partnership advice for health-sector leaders, in Slack and the terminal."""

__version__ = "0.1.0"
