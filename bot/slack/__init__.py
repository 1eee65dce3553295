"""The Slack surface of partnerbot: Bolt listeners, Block Kit builders and the HTTP / Socket Mode server.

Nothing outside this package imports slack_bolt or slack_sdk; listeners stay thin and call the same
services the terminal chat uses.
"""
