"""Publishing one person's App Home: called when they open it and after anything that changes it."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.interview.engine import InterviewError
from bot.slack.blocks.home import InterviewLine, home_view
from bot.slack.services import SlackServices

SURFACE_WORDS = {"dm": "in our DM", "thread": "in a channel thread"}


def publish_home(client: WebClient, services: SlackServices, team_id: str, user_id: str) -> None:
    engine = services.engine
    lines = []
    for record in services.interviews().list_open(team_id, user_id):
        if record.surface not in SURFACE_WORDS:
            continue
        try:
            state = engine.resume(record.state)
        except InterviewError:
            lines.append(InterviewLine(id=record.id, where=SURFACE_WORDS[record.surface], description=None,
                                       progress="Saved by an older version; resume to start over",
                                       updated_at=record.updated_at))
            continue
        prompt = engine.current(state)
        progress = prompt.progress.capitalize() if prompt else "Ready for the report"
        lines.append(InterviewLine(id=record.id, where=SURFACE_WORDS[record.surface], progress=progress,
                                   description=state.text_of(engine.flow.seed_question),
                                   updated_at=record.updated_at))
    outcomes = services.outcomes(team_id)
    view = home_view(interviews=lines, outcomes=outcomes.list(limit=8, user_id=user_id),
                     stats=outcomes.stats(top=5), kb=services.kb)
    client.views_publish(user_id=user_id, view=view)
