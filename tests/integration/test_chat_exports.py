"""Chat exports as sources, and the watch command end to end: sample exports made here (no
real chat), scanned and watched through the CLI with the real models."""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from likeness_guard.main import main


def telegram_export(root: Path, photos: dict[str, Path]) -> Path:
    """A Telegram Desktop "Export chat history" folder: result.json and photos/."""
    folder = root / "ChatExport_2024-08-01"
    (folder / "photos").mkdir(parents=True)
    shutil.copy(photos["players"], folder / "photos" / "photo_1@01-08-2024_10-00-00.jpg")
    shutil.copy(photos["gdp"], folder / "photos" / "photo_2@01-08-2024_10-05-00.jpg")
    document = {
        "name": "Sample channel",
        "type": "private_channel",
        "id": 1234567890,
        "messages": [
            {"id": 1, "type": "service", "date": "2024-08-01T09:59:00", "actor": "Sample channel"},
            {
                "id": 41,
                "type": "message",
                "date": "2024-08-01T10:00:00",
                "date_unixtime": "1722506400",
                "from": "Poster One",
                "from_id": "channel1234567890",
                "photo": "photos/photo_1@01-08-2024_10-00-00.jpg",
                "width": 800,
                "height": 600,
                "text": "",
            },
            {
                "id": 42,
                "type": "message",
                "date": "2024-08-01T10:05:00",
                "date_unixtime": "1722506700",
                "from": "Poster Two",
                "from_id": "user42",
                "photo": "photos/photo_2@01-08-2024_10-05-00.jpg",
                "text": "",
            },
            {"id": 43, "type": "message", "photo": "../../outside.jpg", "from": "x"},
        ],
    }
    (folder / "result.json").write_text(json.dumps(document, ensure_ascii=False))
    return folder


def discord_export(root: Path, photos: dict[str, Path]) -> Path:
    """A DiscordChatExporter JSON export with its media (--media) beside it."""
    media = root / "discord" / "Sample Server - general [222].json_Files"
    media.mkdir(parents=True)
    shutil.copy(photos["players"], media / "players-7F3A.jpg")
    document = {
        "guild": {"id": "111", "name": "Sample Server", "iconUrl": ""},
        "channel": {"id": "222", "type": "GuildTextChat", "category": "Text", "name": "general"},
        "dateRange": {"after": None, "before": None},
        "exportedAt": "2024-08-02T00:00:00+00:00",
        "messages": [
            {
                "id": "333",
                "type": "Default",
                "timestamp": "2024-08-01T19:00:00.123+09:00",
                "content": "",
                "author": {"id": "444", "name": "poster", "nickname": "Poster Three"},
                "attachments": [
                    {
                        "id": "555",
                        "url": "Sample Server - general [222].json_Files/players-7F3A.jpg",
                        "fileName": "players.jpg",
                        "fileSizeBytes": 1,
                    },
                    {"id": "556", "url": "https://cdn.discordapp.com/x.jpg", "fileName": "x.jpg"},
                ],
            }
        ],
        "messageCount": 1,
    }
    path = root / "discord" / "Sample Server - general [222].json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def data(tmp_path: Path, photos: dict[str, Path]) -> Path:
    folder = tmp_path / "data"
    assert main(["--data-dir", str(folder), "enroll", str(photos["yaoming"])]) == 0
    return folder


def _scan(data: Path, target: Path) -> dict[str, Any]:
    out = data.parent / "scan.json"
    assert main(["--data-dir", str(data), "scan", str(target), "--json", str(out)]) == 0
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_a_telegram_export_keeps_channel_message_time_and_sender(
    tmp_path: Path, data: Path, photos: dict[str, Path]
) -> None:
    folder = telegram_export(tmp_path, photos)
    document = _scan(data, folder)
    matches = [item for item in document["items"] if item["match"]]
    assert len(matches) == 1
    chat = matches[0]["chat"]
    assert chat == {
        "platform": "telegram",
        "chat_name": "Sample channel",
        "chat_id": "1234567890",
        "message_id": "41",
        "message_link": "https://t.me/c/1234567890/41",
        "posted_at": "2024-08-01T10:00:00Z",
        "sender": "Poster One",
        "sender_id": "channel1234567890",
        "export_file": str(folder / "result.json"),
    }
    by_message = {item["chat"]["message_id"]: item for item in document["items"]}
    assert by_message["42"]["match"] is False
    assert by_message["43"]["status"] == "error"  # points outside the export: not read


def test_a_discord_export_keeps_channel_message_link_utc_time_and_sender(
    tmp_path: Path, data: Path, photos: dict[str, Path]
) -> None:
    path = discord_export(tmp_path, photos)
    document = _scan(data, path)
    [item] = document["items"]
    assert item["match"] is True
    assert item["chat"]["chat_name"] == "Sample Server / general"
    assert item["chat"]["message_link"] == "https://discord.com/channels/111/222/333"
    assert item["chat"]["posted_at"] == "2024-08-01T10:00:00Z"  # 19:00 in +09:00
    assert item["chat"]["sender"] == "Poster Three"
    [skipped] = document["skipped"]
    assert skipped["reason"].startswith("The export does not include this file")


def test_watch_commands_add_list_run_and_remove_a_chat_export(
    tmp_path: Path, data: Path, photos: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    folder = telegram_export(tmp_path, photos)
    base = ["--data-dir", str(data), "watch"]
    assert main([*base, "add", str(folder), "--every", "6h", "--profile", "me"]) == 0
    assert main([*base, "add", str(tmp_path / "nowhere")]) == 2
    out = tmp_path / "list.json"
    assert main([*base, "list", "--json", str(out)]) == 0
    [place] = json.loads(out.read_text())["places"]
    assert (place["kind"], place["every"], place["last_run_at"]) == ("chat-export", "6h", None)
    runs = tmp_path / "runs.json"
    assert main([*base, "run", "--due", "--json", str(runs)]) == 0
    [first] = json.loads(runs.read_text())["runs"]
    assert (first["new_items"], first["new_matches"]) == (3, 1)
    capsys.readouterr()
    assert main([*base, "run", "--due", "--json", str(runs)]) == 0  # not due for 6 hours
    assert json.loads(runs.read_text())["runs"] == []
    assert main([*base, "run", "--json", str(runs)]) == 0  # asked for: nothing new to read
    [second] = json.loads(runs.read_text())["runs"]
    assert (second["new_items"], second["scan_id"]) == (0, None)
    assert "nothing new" in capsys.readouterr().out
    assert main([*base, "remove", str(place["id"])]) == 0
    assert main([*base, "list", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["places"] == []
