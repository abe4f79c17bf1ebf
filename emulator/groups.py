"""Groups, supergroups and channels: members writing, the bot added, promoted, removed or
leaving, and what reaches the bot there under Telegram's privacy mode."""

from __future__ import annotations

from typing import Any

from .errors import EmulatorUsageError, bad_request, forbidden
from .handle import ChatHandle
from .models import GIFT_TYPES, EmuUser, Group, StoredMessage
from .state import Access, EmulatorState

GROUP_KINDS = ("group", "supergroup", "channel")

# The rights the emulator gives a bot made administrator: the everyday ones, not promoting
# others, stories, welcome messages, topics or tags, and not anonymous.
_GRANTED = frozenset(
    {
        "can_manage_chat",
        "can_change_info",
        "can_post_messages",
        "can_edit_messages",
        "can_delete_messages",
        "can_invite_users",
        "can_restrict_members",
        "can_pin_messages",
        "can_manage_video_chats",
    }
)
# Nothing is restricted in an emulated group.
_PERMISSIONS = (
    "can_send_messages",
    "can_send_media_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_react_to_messages",
    "can_edit_tag",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


def check_access(group: Group, access: Access) -> None:
    """Refuse a bot call as the Bot API server does for a chat the bot is not (fully) in."""
    if not group.known:
        raise bad_request("chat not found")
    kicked, out = group.bot_status == "kicked", not group.has_bot
    if group.kind == "group":
        # A basic group the bot is out of can still be read.
        if kicked and access != "read":
            raise forbidden("bot was kicked from the group chat")
        if out and access != "read":
            raise forbidden("bot is not a member of the group chat")
    # An emulated supergroup or channel has no public username: reading it needs membership.
    elif kicked:
        raise forbidden(f"bot was kicked from the {group.kind} chat")
    elif out:
        raise forbidden(f"bot is not a member of the {group.kind} chat")
    if access == "write" and group.kind == "channel" and group.bot_status != "administrator":
        raise bad_request("need administrator rights in the channel chat")


def _admin_rights(kind: str) -> dict[str, bool]:
    """An administrator's rights, those the Bot API server lists for this kind of chat."""
    names = ["can_manage_chat", "can_change_info"]
    if kind == "channel":
        names += ["can_post_messages", "can_edit_messages"]
    names += ["can_delete_messages", "can_invite_users", "can_restrict_members"]
    if kind != "channel":
        names.append("can_pin_messages")
    if kind == "supergroup":
        names.append("can_manage_topics")
    names += [
        "can_promote_members",
        "can_manage_video_chats",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        # Since Bot API 10.3 (after api.json's 10.1); aiogram 3.31 will not parse a member
        # without it.
        "can_send_welcome_messages",
        "can_manage_direct_messages" if kind == "channel" else "can_manage_tags",
        "is_anonymous",
    ]
    rights = {name: name in _GRANTED for name in names}
    # The old name is still sent beside the new one.
    rights["can_manage_voice_chats"] = rights["can_manage_video_chats"]
    return rights


def chat_member(user: dict[str, Any], status: str, kind: str) -> dict[str, Any]:
    member: dict[str, Any] = {"user": user, "status": status}
    if status == "administrator":
        member.update(can_be_edited=False, **_admin_rights(kind))
    elif status == "kicked":
        member["until_date"] = 0
    return member


def full_info(group: Group) -> dict[str, Any]:
    """getChat's ChatFullInfo for a group, supergroup or channel."""
    info = group.to_chat()
    if group.kind != "channel":
        info["permissions"] = dict.fromkeys(_PERMISSIONS, True)
    info.setdefault("accepted_gift_types", dict.fromkeys(GIFT_TYPES, False))
    return {**info, "max_reaction_count": 11, "accent_color_id": -group.id % 7}


def _is_command_for(message: StoredMessage, username: str) -> bool:
    """A message opening with /command, or /command@<this bot>."""
    text, entities = message.text, message.entities
    if text is None:
        text, entities = message.caption or "", message.caption_entities
    command = next((e for e in entities if e["type"] == "bot_command" and e["offset"] == 0), None)
    if command is None:
        return False
    addressee = text[: command["length"]].partition("@")[2]
    return not addressee or addressee.lower() == username.lower()


def bot_sees(emu: EmulatorState, group: Group, message: StoredMessage) -> bool:
    """Whether a message in the chat reaches the bot. In privacy mode a bot that is not an
    administrator gets only commands, replies to its own messages and service messages."""
    if not group.has_bot:
        return False
    if group.kind == "channel" or not emu.privacy_mode or group.bot_status == "administrator":
        return True
    if message.is_service or (message.reply_to is not None and message.reply_to.outgoing):
        return True
    return _is_command_for(message, emu.username)


def _deliver(
    emu: EmulatorState, group: Group, message: StoredMessage, always: bool = False
) -> None:
    if always or bot_sees(emu, group, message):
        kind = "channel_post" if group.kind == "channel" else "message"
        emu.updates.push(kind, message.to_telegram())


def set_bot_status(emu: EmulatorState, group: Group, status: str, actor: dict[str, Any]) -> None:
    """The bot's membership changes; it hears of it as a my_chat_member update."""
    old, group.bot_status, group.known = group.bot_status, status, True
    bot = emu.bot_user()
    emu.updates.push(
        "my_chat_member",
        {
            "chat": group.to_chat(),
            "from": actor,
            "date": emu.now(),
            "old_chat_member": chat_member(bot, old, group.kind),
            "new_chat_member": chat_member(bot, status, group.kind),
        },
    )
    emu.publish("group", group.id, {"chat": group.to_chat(), "bot_status": status})


def bot_out(emu: EmulatorState, group: Group, status: str, actor: dict[str, Any]) -> None:
    """The bot leaves (status left) or is removed (kicked): my_chat_member and, in a group or
    supergroup, the service message, which it gets though it is no longer there."""
    set_bot_status(emu, group, status, actor)
    if group.kind != "channel":
        chat = emu.chats[group.id]
        message = emu.add_message(chat, False, actor, left_chat_member=emu.bot_user())
        _deliver(emu, group, message, always=True)


class EmulatedGroup(ChatHandle):
    """Handle for a group, supergroup or channel: its members write in it, a channel posts,
    and members add, promote, demote or remove the bot."""

    def __init__(self, emulator: EmulatorState, group: Group) -> None:
        super().__init__(emulator, group.id)
        self.group = group

    @property
    def id(self) -> int:
        return self.group.id

    @property
    def title(self) -> str:
        return self.group.title

    @property
    def kind(self) -> str:
        return self.group.kind

    @property
    def bot_status(self) -> str:
        """The bot's ChatMember status here: left, member, administrator or kicked."""
        return self.group.bot_status

    @property
    def has_bot(self) -> bool:
        return self.group.has_bot

    def _member(self, user_id: int) -> EmuUser:
        if user_id not in self.group.members:
            raise EmulatorUsageError(f"user {user_id} is not in chat {self.id}")
        return self.emulator.users[user_id]

    def _service(self, actor: EmuUser, **content: Any) -> None:
        chat = self.emulator.chats[self.id]
        message = self.emulator.add_message(chat, False, actor.to_user(), **content)
        _deliver(self.emulator, self.group, message)

    def add_member(self, user_id: int, *, by: int | None = None) -> None:
        """A user joins (or a member adds them); a group says so in a service message. An
        unknown user is created."""
        if user_id in self.group.members:
            raise EmulatorUsageError(f"user {user_id} is already in chat {self.id}")
        actor = self._member(by) if by is not None else None
        user = self.emulator.user_record(user_id)
        self.group.members.add(user_id)
        if self.kind != "channel":
            self._service(actor or user, new_chat_members=[user.to_user()])

    def add_bot(self, *, by: int, admin: bool = False) -> None:
        """A member adds the bot (as an administrator if admin); a channel takes bots only as
        administrators."""
        if self.has_bot:
            raise EmulatorUsageError(f"the bot is already in chat {self.id}")
        if self.kind == "channel" and not admin:
            raise EmulatorUsageError("a bot joins a channel only as an administrator")
        actor = self._member(by)
        set_bot_status(
            self.emulator, self.group, "administrator" if admin else "member", actor.to_user()
        )
        if self.kind != "channel":
            self._service(actor, new_chat_members=[self.emulator.bot_user()])

    def _change_rights(self, by: int, status: str) -> None:
        if not self.has_bot:
            raise EmulatorUsageError(f"the bot is not in chat {self.id}")
        if self.bot_status == status:
            raise EmulatorUsageError(f"the bot's status in chat {self.id} is already {status}")
        set_bot_status(self.emulator, self.group, status, self._member(by).to_user())

    def promote_bot(self, *, by: int) -> None:
        """A member makes the bot an administrator."""
        self._change_rights(by, "administrator")

    def demote_bot(self, *, by: int) -> None:
        """A member takes the bot's administrator rights; it stays a plain member."""
        self._change_rights(by, "member")

    def remove_bot(self, *, by: int) -> None:
        """A member removes the bot, which Telegram records as kicked."""
        if not self.has_bot:
            raise EmulatorUsageError(f"the bot is not in chat {self.id}")
        bot_out(self.emulator, self.group, "kicked", self._member(by).to_user())

    def send_text(self, user_id: int, text: str, *, reply_to: int | None = None) -> StoredMessage:
        """A member types text in a group or supergroup (optionally replying to a message)."""
        if self.kind == "channel":
            raise EmulatorUsageError("members do not write in a channel; post() there")
        sender = self._member(user_id)
        chat = self.emulator.chats[self.id]
        content = self._typed(text, reply_to)
        message = self.emulator.add_message(chat, False, sender.to_user(), **content)
        _deliver(self.emulator, self.group, message)
        return message

    def post(self, text: str) -> StoredMessage:
        """The channel posts text; the bot in it gets a channel_post update."""
        if self.kind != "channel":
            raise EmulatorUsageError(f"chat {self.id} is a {self.kind}, not a channel")
        chat = self.emulator.chats[self.id]
        message = self.emulator.add_message(chat, False, **self._typed(text, None))
        _deliver(self.emulator, self.group, message)
        return message
