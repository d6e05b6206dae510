"""The rows the report shows for a picture found in a chat export: the chat, the message
(its number and link), when it was posted (UTC) and who sent it, as the export shows them."""

from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.locale import _


def chat_rows(chat: ChatOrigin) -> list[tuple[str, str]]:
    """Label and value for each chat fact; what the export does not give is said so."""
    missing = _("not given in the export")
    chat_name = _("{chat} on {platform}").format(
        chat=chat.chat_name, platform=chat.platform.display_name
    )
    if chat.chat_id:
        chat_name = _("{chat} (number {number})").format(chat=chat_name, number=chat.chat_id)
    sender = chat.sender or missing
    if chat.sender and chat.sender_id:
        sender = _("{name} (account {account})").format(name=chat.sender, account=chat.sender_id)
    rows = [
        (_("Chat"), chat_name),
        (_("Message number"), chat.message_id),
        (_("Message link"), chat.message_link or missing),
        (_("Posted (UTC)"), chat.posted_at or missing),
        (_("Sender, as the export shows it"), sender),
    ]
    if chat.export_file:
        rows.append((_("Chat export file"), chat.export_file))
    return rows
