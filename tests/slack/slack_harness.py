"""Drive the Bolt app the way Slack does: signed HTTP-shaped requests through `App.dispatch`.

Each method builds a body shaped like Slack's, signs it with slack-sdk's `SignatureVerifier`, and sends
it through Bolt's real request path (verification, authorization, middleware, listeners). With the
synchronous executor the listener has finished when a method returns, so tests read the fake Web API's
recorded calls straight after.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import slack_payloads as payloads
from fake_slack_api import Call, FakeSlackAPI
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class SyncExecutor(Executor):
    """Runs each listener at once, so `dispatch()` returns only after it has finished."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 (the future carries it, like a real executor)
            future.set_exception(exc)
        return future


def signed_headers(secret: str, body: str, content_type: str, *, timestamp: int | None = None,
                   retry_num: int | None = None) -> dict[str, list[str]]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    headers = {
        "content-type": [content_type],
        "x-slack-request-timestamp": [stamp],
        "x-slack-signature": [signature],
    }
    if retry_num is not None:
        headers["x-slack-retry-num"] = [str(retry_num)]
        headers["x-slack-retry-reason"] = ["http_timeout"]
    return headers


class SlackHarness:
    def __init__(self, app: App, fake: FakeSlackAPI, signing_secret: str) -> None:
        self.app = app
        self.fake = fake
        self.secret = signing_secret

    # -- raw -------------------------------------------------------------------------------------
    def send(self, body: str, content_type: str, *, retry_num: int | None = None,
             timestamp: int | None = None) -> BoltResponse:
        headers = signed_headers(self.secret, body, content_type, timestamp=timestamp, retry_num=retry_num)
        return self.app.dispatch(BoltRequest(body=body, headers=headers))

    # -- slash commands --------------------------------------------------------------------------
    def command(self, command: str, text: str = "", *, user: str = "U0ALICE01", channel: str = "C0PARTNER1",
                hook: str | None = None) -> BoltResponse:
        body = payloads.slash_command(command, text, user_id=user, channel_id=channel,
                                      response_url=self.fake.response_url(hook or f"cmd-{user}"))
        return self.send(body, FORM)

    # -- events ----------------------------------------------------------------------------------
    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry_num: int | None = None) -> BoltResponse:
        return self.send(payloads.event_callback(event, event_id=event_id), JSON, retry_num=retry_num)

    def dm(self, text: str, *, user: str = "U0ALICE01", **kwargs: Any) -> BoltResponse:
        channel = "D" + user.lstrip("U")
        return self.event(payloads.message_event(text, user=user, channel=channel, channel_type="im"), **kwargs)

    # -- interactions ----------------------------------------------------------------------------
    def click(self, call: Call, action_id: str, *, value: str | None = None, user: str = "U0ALICE01",
              hook: str | None = None, state_values: dict[str, Any] | None = None) -> BoltResponse:
        """Click the button `action_id` (with `value`, when several share the id) in a posted message."""
        element, block_id = find_element(call.blocks(), action_id, value)
        action = {
            "action_id": element["action_id"],
            "block_id": block_id,
            "text": element.get("text"),
            "value": element.get("value"),
            "type": element["type"],
        }
        message, channel, ephemeral = message_of(call)
        body = payloads.block_actions(action, user_id=user, response_url=self.fake.response_url(hook or "click"),
                                      message=message, channel_id=channel, is_ephemeral=ephemeral,
                                      state_values=state_values)
        return self.send(body, FORM)

    def choose_and_continue(self, call: Call, select_id: str, continue_id: str, values: list[str], *,
                            user: str = "U0ALICE01") -> BoltResponse:
        """Pick options in a message's multi-select, then press its Continue button, as a person would:
        Slack sends the menu's selection along with the button click."""
        self.select(call, select_id, values, user=user)
        element, block_id = find_element(call.blocks(), select_id, None)
        options = {o["value"]: o for o in _all_options(element)}
        state = {block_id: {select_id: {"type": element["type"], "selected_options": [options[v] for v in values]}}}
        return self.click(call, continue_id, user=user, state_values=state, hook="continue")

    def select(self, call: Call, action_id: str, values: list[str], *, user: str = "U0ALICE01") -> BoltResponse:
        """Choose options in a multi-select in a posted message (Slack sends the selection at once)."""
        element, block_id = find_element(call.blocks(), action_id, None)
        options = {o["value"]: o for o in _all_options(element)}
        chosen = [options[v] for v in values]
        action = {"action_id": action_id, "block_id": block_id, "type": element["type"],
                  "selected_options": chosen}
        message, channel, ephemeral = message_of(call)
        state = {block_id: {action_id: {"type": element["type"], "selected_options": chosen}}}
        body = payloads.block_actions(action, user_id=user, response_url=self.fake.response_url("select"),
                                      message=message, channel_id=channel, is_ephemeral=ephemeral,
                                      state_values=state)
        return self.send(body, FORM)

    def click_in_view(self, view: dict[str, Any], action_id: str, *, value: str | None = None,
                      user: str = "U0ALICE01") -> BoltResponse:
        element, block_id = find_element(view.get("blocks", []), action_id, value)
        action = {"action_id": element["action_id"], "block_id": block_id, "text": element.get("text"),
                  "value": element.get("value"), "type": element["type"]}
        body = payloads.block_actions(action, user_id=user, response_url="", view=view)
        return self.send(body, FORM)

    def submit_view(self, view: dict[str, Any], values: dict[str, Any], *, user: str = "U0ALICE01",
                    view_id: str = "V0SUBMIT1") -> BoltResponse:
        return self.send(payloads.view_submission(view, values, user_id=user, view_id=view_id), FORM)


def message_of(call: Call) -> tuple[dict[str, Any], str | None, bool]:
    """The message a recorded call put on screen, as Slack includes it in an interaction payload."""
    if call.method.startswith("response_url:"):
        return ({"type": "message", "text": call.params.get("text", ""), "blocks": call.blocks(),
                 "ts": "1700000000.999999"}, "C0PARTNER1", True)
    ts = call.params.get("ts") or (call.response or {}).get("ts", "1700000000.000000")
    message = {"type": "message", "user": "UBOT0001", "bot_id": "BBOT0001", "text": call.params.get("text", ""),
               "blocks": call.blocks(), "ts": ts}
    if call.params.get("thread_ts"):
        message["thread_ts"] = call.params["thread_ts"]
    return message, call.params.get("channel"), False


def find_element(blocks: list[dict[str, Any]], action_id: str, value: str | None) -> tuple[dict[str, Any], str]:
    for block in blocks:
        candidates = list(block.get("elements") or [])
        if block.get("accessory"):
            candidates.append(block["accessory"])
        if block.get("element"):
            candidates.append(block["element"])
        for element in candidates:
            element_id = str(element.get("action_id", ""))
            same = element_id == action_id or element_id.startswith(action_id + ":")
            if same and (value is None or element.get("value") == value or _answer_of(element) == value):
                return element, block.get("block_id") or "auto"
    raise AssertionError(f"no element {action_id!r} (value {value!r}) in {json.dumps(blocks)[:600]}")


def _answer_of(element: dict[str, Any]) -> str | None:
    """Interview buttons carry JSON with the option under "a"; tests name the option value."""
    try:
        return json.loads(element.get("value") or "").get("a")
    except (ValueError, AttributeError):
        return None


def _all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group["options"])
    return options


def body_json(response: BoltResponse) -> dict[str, Any]:
    return json.loads(response.body) if response.body else {}
