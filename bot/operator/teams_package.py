"""The Teams app package (research §6): `appPackage/manifest.json` with the bot's app id filled in,
zipped with its icons and localization files at the zip root, ready to upload in Teams.

The manifest in the repository carries the placeholder `${{BOT_ID}}` (the Teams Toolkit's
convention), so no tenant's app id is ever committed; `competency-bot package` fills it in."""

from __future__ import annotations

import json
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

APP_PACKAGE = Path(__file__).resolve().parents[2] / "appPackage"
APP_ID_PLACEHOLDER = "${{BOT_ID}}"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
ICON_SIZES = {"color": (192, 192), "outline": (32, 32), "color32x32": (32, 32)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the same manifest and icons give the same zip, byte for byte


class PackageError(Exception):
    """The package cannot be built: a bad app id, or a file the manifest names is missing or wrong."""


@dataclass(frozen=True)
class AppPackage:
    path: Path
    app_id: str
    files: tuple[str, ...]


def fill_manifest(manifest: dict[str, Any], app_id: str) -> dict[str, Any]:
    """A copy of `manifest` with every `${{BOT_ID}}` replaced by `app_id` (the bot's MicrosoftAppId)."""
    if not GUID.match(app_id):
        raise PackageError(f"the app id must be a GUID (the Azure Bot's MicrosoftAppId), not {app_id!r}")

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        if isinstance(node, str):
            return node.replace(APP_ID_PLACEHOLDER, app_id)
        return node

    filled = fill(manifest)
    left = re.findall(r"\$\{\{\w+\}\}", json.dumps(filled))
    if left:
        raise PackageError(f"manifest.json has placeholders nobody fills in: {', '.join(sorted(set(left)))}")
    return filled


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])


def packaged_files(manifest: dict[str, Any]) -> list[str]:
    """The files the manifest refers to: its icons and localization files, relative to appPackage/."""
    names = list(manifest.get("icons", {}).values())
    localization = manifest.get("localizationInfo", {})
    if localization.get("defaultLanguageFile"):
        names.append(localization["defaultLanguageFile"])
    names += [language["file"] for language in localization.get("additionalLanguages", [])]
    return names


def _read_file(source: Path, name: str) -> bytes:
    if "/" in name or "\\" in name or name.startswith("."):
        raise PackageError(f"manifest.json names {name!r}: Teams wants every file at the zip root")
    try:
        return (source / name).read_bytes()
    except FileNotFoundError:
        raise PackageError(f"manifest.json names {name}, which is not in {source}") from None


def _check_icons(manifest: dict[str, Any], contents: dict[str, bytes]) -> None:
    for role, name in manifest.get("icons", {}).items():
        try:
            size = png_size(contents[name])
        except ValueError:
            raise PackageError(f"{name} ({role} icon) is not a PNG file") from None
        expected = ICON_SIZES.get(role)
        if expected and size != expected:
            raise PackageError(f"{name} ({role} icon) is {size[0]}×{size[1]}, Teams wants {expected[0]}×{expected[1]}")


def build_package(app_id: str, out: Path, source: Path = APP_PACKAGE) -> AppPackage:
    """Write the zip to `out`: manifest.json (app id filled in), the icons and the localization files."""
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"no manifest.json in {source}") from None
    except ValueError as exc:
        raise PackageError(f"{source / 'manifest.json'} is not JSON: {exc}") from None
    filled = fill_manifest(manifest, app_id)
    contents = {"manifest.json": (json.dumps(filled, indent=2, ensure_ascii=False) + "\n").encode("utf-8")}
    for name in packaged_files(filled):
        contents[name] = _read_file(source, name)
    _check_icons(filled, contents)

    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            entry = zipfile.ZipInfo(name, FIXED_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return AppPackage(out, app_id, tuple(contents))
