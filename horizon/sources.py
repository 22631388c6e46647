"""data/sources.toml: the published sources `horizon update` fetches, and the embedded files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from horizon.errors import ConfigError
from horizon.tomlfile import read_toml


@dataclass(frozen=True)
class Published:
    name: str
    url: str
    citation: str


@dataclass(frozen=True)
class Sources:
    published: tuple[Published, ...]
    embedded: tuple[Path, ...]


def load_sources(data_dir: Path) -> Sources:
    path = data_dir / "sources.toml"
    doc = read_toml(path, "the list of sources")
    published = []
    for i, entry in enumerate(doc.get("published", [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise ConfigError(f"{path}: published[{i}].url: expected an http(s) URL")
        url: str = entry["url"]
        published.append(Published(entry.get("name", url), url, entry.get("citation", "")))
    files = doc.get("embedded", {}).get("files", [])
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise ConfigError(f"{path}: embedded.files: expected a list of paths relative to {data_dir}")
    embedded = tuple(data_dir / f for f in files)
    for f in embedded:
        if not f.is_file():
            raise ConfigError(f"{path}: embedded.files: {f} does not exist")
    return Sources(tuple(published), embedded)
