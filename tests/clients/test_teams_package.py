"""The Teams app package: the manifest validated against the official Teams JSON Schema from the npm
package @microsoft/app-manifest (installed by `make test`, never fetched), its German localization,
the icons, the zip, and `competency-bot package`."""

from __future__ import annotations

import json
import re
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.operator.cli import main
from bot.operator.teams_package import (
    APP_ID_PLACEHOLDER,
    APP_PACKAGE,
    PackageError,
    build_package,
    fill_manifest,
)
from dialogs.recognizer import COMMANDS, recognize, words_as_written
from tests.clients.conftest import NODE_MODULES, PROJECT, run_node
from tests.clients.png import read_png

APP_ID = "8f3b1c2a-1111-4222-8333-444455556666"
SCHEMAS = NODE_MODULES / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
# What each command of the manifest must mean to the bot, in the order of the manifest's lists.
PERSONAL_INTENTS = ["org_progress", "org_progress", "upgrade_options", "renewal_status", "my_achievements", "link_msa", "alerts_off", "alerts_on", "help"]
TEAM_INTENTS = ["org_progress", "upgrade_options", "renewal_status", "help"]


def source_manifest() -> dict[str, Any]:
    return json.loads((APP_PACKAGE / "manifest.json").read_text(encoding="utf-8"))


def german() -> dict[str, str]:
    return json.loads((APP_PACKAGE / "de.json").read_text(encoding="utf-8"))


def validate(folder: Path, manifest: dict[str, Any], name: str = "manifest.json") -> dict[str, Any]:
    """Write `manifest` beside its localization files and run the official schema over both."""
    (folder / name).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    for language in manifest.get("localizationInfo", {}).get("additionalLanguages", []):
        target = folder / language["file"]
        if not target.exists():
            target.write_bytes((APP_PACKAGE / language["file"]).read_bytes())
    return run_node("validate-manifest.js", str(folder / name))


@pytest.fixture
def package(tmp_path: Path) -> Path:
    return build_package(APP_ID, tmp_path / "appPackage.zip").path


# --- the official schema ----------------------------------------------------------------------------


def test_the_manifest_declares_the_newest_schema_the_npm_package_bundles(node_clients: Path) -> None:
    bundled = [folder.name for folder in SCHEMAS.iterdir() if re.fullmatch(r"v1\.\d+", folder.name)]
    newest = max(bundled, key=lambda name: int(name.split(".")[1]))
    manifest = source_manifest()
    assert f"v{manifest['manifestVersion']}" == newest
    assert manifest["$schema"] == f"https://developer.microsoft.com/json-schemas/teams/{newest}/MicrosoftTeams.schema.json"


def test_the_packaged_manifest_and_its_german_localization_pass_the_official_schema(node_clients: Path, package: Path, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(unpacked)
    report = run_node("validate-manifest.js", str(unpacked / "manifest.json"))
    assert report["schema"] == f"teams/v{source_manifest()['manifestVersion']}/MicrosoftTeams.schema.json"
    assert report["errors"] == {"manifest.json": [], "de.json": []}


def test_a_manifest_without_a_bot_id_fails_the_official_schema(node_clients: Path, tmp_path: Path) -> None:
    broken = fill_manifest(source_manifest(), APP_ID)
    del broken["bots"][0]["botId"]
    errors = validate(tmp_path, broken)["errors"]["manifest.json"]
    assert len(errors) == 1 and errors[0].startswith("/bots/0 must have required property 'botId'")


def test_the_manifest_as_committed_fails_until_the_app_id_is_filled_in(node_clients: Path, tmp_path: Path) -> None:
    errors = validate(tmp_path, source_manifest())["errors"]["manifest.json"]
    assert len(errors) == 1 and errors[0].startswith("/bots/0/botId must match pattern")


def test_a_localization_file_with_a_key_the_schema_does_not_know_fails(node_clients: Path, tmp_path: Path) -> None:
    (tmp_path / "de.json").write_text(json.dumps({**german(), "bots[0].commandLists[0].commands[12].title": "zu viel"}), encoding="utf-8")
    errors = validate(tmp_path, fill_manifest(source_manifest(), APP_ID))["errors"]
    assert errors["manifest.json"] == []
    assert len(errors["de.json"]) == 1 and "must NOT have additional properties" in errors["de.json"][0]


# --- what the manifest says ---------------------------------------------------------------------------


def test_the_bot_is_offered_in_personal_chats_and_teams_with_a_command_list_for_each() -> None:
    bot = source_manifest()["bots"][0]
    assert bot["botId"] == APP_ID_PLACEHOLDER
    assert bot["scopes"] == ["personal", "team"]
    assert [(commands["scopes"], len(commands["commands"])) for commands in bot["commandLists"]] == [(["personal"], 9), (["team"], 4)]


@pytest.mark.parametrize(("index", "intents"), [(0, PERSONAL_INTENTS), (1, TEAM_INTENTS)])
def test_every_command_means_to_the_bot_what_it_says_in_english_and_german(index: int, intents: list[str]) -> None:
    commands = source_manifest()["bots"][0]["commandLists"][index]["commands"]
    translations = german()
    english = [recognize(command["title"], "en-US").intent for command in commands]
    german_titles = [translations[f"bots[0].commandLists[{index}].commands[{i}].title"] for i in range(len(commands))]
    assert (english, [recognize(title, "de-DE").intent for title in german_titles]) == (intents, intents)


def test_the_recognizers_command_table_is_exactly_the_manifests_titles() -> None:
    # A title renamed in the manifest but not in the table would be left to the rules and the model.
    commands = source_manifest()["bots"][0]["commandLists"]
    titles = [c["title"] for c in commands[0]["commands"] + commands[1]["commands"]]
    titles += [v for k, v in german().items() if k.startswith("bots[0].commandLists[") and k.endswith(".title")]
    assert {" ".join(words_as_written(title)[0]) for title in titles} == set(COMMANDS)


def test_the_progress_commands_name_their_level() -> None:
    commands = source_manifest()["bots"][0]["commandLists"][0]["commands"]
    assert [recognize(c["title"], "en-US").level for c in commands[:2]] == ["gold", "silver"]
    assert [recognize(german()[f"bots[0].commandLists[0].commands[{i}].title"], "de-DE").level for i in range(2)] == ["gold", "silver"]


def test_german_translates_every_name_description_and_command_of_the_manifest() -> None:
    manifest = source_manifest()
    expected = {"name.short", "name.full", "description.short", "description.full"}
    for index, commands in enumerate(manifest["bots"][0]["commandLists"]):
        for number, command in enumerate(commands["commands"]):
            expected |= {f"bots[0].commandLists[{index}].commands[{number}].{key}" for key in command}
    assert set(german()) - {"$schema"} == expected
    assert manifest["localizationInfo"]["additionalLanguages"] == [{"languageTag": "de", "file": "de.json"}]


def test_the_app_version_is_the_projects_version() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert source_manifest()["version"] == project["project"]["version"]


# --- icons -----------------------------------------------------------------------------------------------


def test_the_colour_icon_is_a_full_bleed_192_pixel_square() -> None:
    icon = read_png((APP_PACKAGE / "color.png").read_bytes())
    assert (icon.width, icon.height) == (192, 192)
    assert all(pixel[3] == 255 for pixel in icon.pixels)  # Teams masks it; transparency would show through
    assert icon.pixel(0, 0)[:3] == tuple(int(source_manifest()["accentColor"][i : i + 2], 16) for i in (1, 3, 5))


def test_the_outline_icon_is_32_pixels_white_on_transparent() -> None:
    icon = read_png((APP_PACKAGE / "outline.png").read_bytes())
    assert (icon.width, icon.height, icon.has_alpha) == (32, 32, True)
    assert {pixel[:3] for pixel in icon.pixels if pixel[3] > 0} == {(255, 255, 255)}
    corners = [icon.pixel(x, y) for x in (0, 31) for y in (0, 31)]
    assert all(alpha == 0 for *_, alpha in corners)
    transparent = sum(1 for pixel in icon.pixels if pixel[3] == 0)
    opaque = sum(1 for pixel in icon.pixels if pixel[3] == 255)
    assert transparent > 32 * 32 / 3 and opaque > 60


def test_the_icons_are_what_tools_make_icons_draws() -> None:
    from tools.make_icons import color_icon, outline_icon

    assert (color_icon(), outline_icon()) == ((APP_PACKAGE / "color.png").read_bytes(), (APP_PACKAGE / "outline.png").read_bytes())


# --- the zip and the command line ----------------------------------------------------------------------


def test_the_zip_holds_the_filled_manifest_icons_and_translation_at_its_root(package: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        assert archive.namelist() == ["manifest.json", "color.png", "outline.png", "de.json"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (APP_PACKAGE / "color.png").read_bytes()
        assert archive.read("de.json") == (APP_PACKAGE / "de.json").read_bytes()
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest == fill_manifest(source_manifest(), APP_ID)
    assert APP_ID_PLACEHOLDER not in json.dumps(manifest)


def test_the_same_sources_give_the_same_zip_byte_for_byte(package: Path, tmp_path: Path) -> None:
    assert build_package(APP_ID, tmp_path / "again.zip").path.read_bytes() == package.read_bytes()


def test_an_app_id_that_is_not_a_guid_is_refused() -> None:
    with pytest.raises(PackageError, match="must be a GUID"):
        fill_manifest(source_manifest(), "my-bot")


def test_an_icon_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    for name in ("manifest.json", "de.json", "color.png"):
        (tmp_path / name).write_bytes((APP_PACKAGE / name).read_bytes())
    (tmp_path / "outline.png").write_bytes((APP_PACKAGE / "color.png").read_bytes())
    with pytest.raises(PackageError, match=r"outline.png \(outline icon\) is 192×192, Teams wants 32×32"):
        build_package(APP_ID, tmp_path / "out.zip", source=tmp_path)


def test_package_takes_the_app_id_from_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MicrosoftAppId", APP_ID)
    out = tmp_path / "teams.zip"
    assert main(["package", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out} (manifest.json, color.png, outline.png, de.json) for bot {APP_ID}\n"
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["bots"][0]["botId"] == APP_ID


def test_package_without_an_app_id_exits_2_unless_one_is_passed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert main(["package", "--out", str(tmp_path / "a.zip")]) == 2
    assert capsys.readouterr().err == "competency-bot: error: MicrosoftAppId is empty: set it to the Azure Bot's app id, or pass --app-id\n"
    assert not (tmp_path / "a.zip").exists()
    assert main(["package", "--app-id", APP_ID, "--out", str(tmp_path / "a.zip")]) == 0
    assert main(["package", "--app-id", "not-a-guid", "--out", str(tmp_path / "b.zip")]) == 2
    assert "the app id must be a GUID" in capsys.readouterr().err
