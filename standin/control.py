"""The control API: JSON endpoints under ``/_control/`` through which other processes drive the stand-in."""

from __future__ import annotations

from typing import Any

from standin.protocol import ApiError, as_bool, as_json, json_bytes, request_params
from standin.state import State


class Control(State):
    """``POST /_control/<name>``: simulate users, inject faults, read what the bot sent."""

    def _public_record(self, seq: int, record: dict) -> dict:
        out: dict[str, Any] = {"seq": seq}
        for key, value in record.items():
            if key in ("time", "edit_time"):
                out[key] = value + self._wall_offset
            elif key in ("document", "photo") and isinstance(value, dict):
                data = value.get("data")
                out[key] = {
                    "filename": value.get("filename"),
                    "file_id": value.get("file_id"),
                    "size": len(data) if data is not None else None,
                }
            elif key == "source" and isinstance(value, tuple):
                out[key] = list(value)
            else:
                out[key] = value
        return out

    async def _control(self, name: str, query: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        """Run control endpoint ``name``; (HTTP status, JSON body)."""
        try:
            params = request_params(query, content_type, body)
            result = await self._control_action(name, params)
        except ApiError as exc:
            return exc.code, json_bytes({"ok": False, "description": exc.description})
        except (KeyError, ValueError, TypeError) as exc:
            return 400, json_bytes({"ok": False, "description": f"{type(exc).__name__}: {exc}"})
        if result is None:
            return 404, json_bytes({"ok": False, "description": f"unknown control endpoint {name!r}"})
        return 200, json_bytes(result)

    async def _control_action(self, name: str, p: dict) -> Any:
        if name in ("message", "press", "update"):
            return self._user_action(name, p)
        if name in ("block", "deactivate", "forget", "unblock", "add_channel", "migrate", "fail_next"):
            self._chat_action(name, p)
            return {"ok": True}
        if name == "messages":
            since = int(p.get("since") or 0)
            chat_id = int(p["chat_id"]) if p.get("chat_id") not in (None, "") else None
            return [
                self._public_record(seq, record)
                for seq, record in enumerate(self.messages[since:], start=since)
                if chat_id is None or record["chat_id"] == chat_id
            ]
        if name == "wait_messages":
            found = await self.wait_messages(int(p["chat_id"]), int(p["n"]), float(p.get("timeout", 10.0)))
            return [self._public_record(-1, record) for record in found]
        if name == "reset_stats":
            self.reset_stats()
            return {"ok": True}
        if name == "config":
            return self._configure(p)
        if name == "stats":
            return self.stats()
        if name == "callback_answers":
            return self.callback_answers
        return self.commands if name == "commands" else None

    def _user_action(self, name: str, p: dict) -> Any:
        """What a person does: send a message, press a button, or any raw update."""
        if name == "message":
            kwargs = {k: p[k] for k in ("first_name", "language_code", "chat_type", "username") if p.get(k)}
            if p.get("user_id") not in (None, ""):
                kwargs["user_id"] = int(p["user_id"])
            return self.user_message(int(p["chat_id"]), str(p["text"]), **kwargs)
        if name == "press":
            user_id = int(p["user_id"]) if p.get("user_id") not in (None, "") else None
            return self.press_button(int(p["chat_id"]), int(p["message_id"]), str(p["data"]), user_id=user_id)
        update = p.get("update", p)
        return self.add_update(as_json(update, "update") if isinstance(update, str) else dict(update))

    def _chat_action(self, name: str, p: dict) -> None:
        """What happens to a chat: blocked, deleted, a channel, a migration, or faults to come."""
        states = {"block": self.block, "deactivate": self.deactivate, "forget": self.forget, "unblock": self.unblock}
        if name in states:
            states[name](int(p["chat_id"]))
        elif name == "add_channel":
            admins = [int(a) for a in p["admins"]] if p.get("admins") is not None else None
            self.add_channel(int(p["chat_id"]), p.get("username") or None, str(p.get("title") or "Kanal"), admins)
        elif name == "migrate":
            self.migrate(int(p["chat_id"]), int(p["new_chat_id"]))
        else:
            self.fail_next(
                int(p.get("n", 1)),
                status=p.get("status", 429),
                retry_after=int(p.get("retry_after", 1)),
                method=p.get("method") or None,
            )

    def _configure(self, p: dict) -> dict:
        """Change the limits and faults the stand-in applies; returns them all."""
        if "rate_limit" in p:
            self.rate_limit = None if p["rate_limit"] in (None, "", "none") else float(p["rate_limit"])
        if "chat_limit" in p:
            self.chat_limit = as_bool(p["chat_limit"])
        if "fault_rate" in p:
            self.fault_rate = float(p["fault_rate"])
        if "fault_delay" in p:
            self.fault_delay = float(p["fault_delay"])
        return {
            "rate_limit": self.rate_limit,
            "chat_limit": self.chat_limit,
            "fault_rate": self.fault_rate,
            "fault_delay": self.fault_delay,
        }
