"""Pure Block Kit builders: data in, Slack-shaped dicts out, Slack's limits checked on the way.

`slack_sdk.models` validates each object (section text, header length, button labels) when it is turned
into a dict; the limits it does not know about (blocks per message) are enforced in `common`.
"""
