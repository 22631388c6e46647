"""Model identity: one canonical model for every spelling a source uses (data/models.toml)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from horizon.errors import ConfigError
from horizon.tomlfile import read_toml


@dataclass(frozen=True)
class Model:
    model_id: str
    name: str
    organisation: str | None
    release_date: date | None
    aliases: tuple[str, ...]

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.model_id, self.name, *self.aliases)


def spelling_key(name: str) -> str:
    """How spellings are compared: case and white space do not matter, punctuation does."""
    return " ".join(name.split()).casefold()


def slug(name: str) -> str:
    """A stable id for a name that no entry maps; never empty."""
    text = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    if not text:
        text = "model-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return text


@dataclass(frozen=True)
class Registry:
    models: tuple[Model, ...]
    by_spelling: dict[str, str]

    def resolve(self, spelling: str) -> str | None:
        """The canonical id for a spelling, or None if no entry claims it."""
        return self.by_spelling.get(spelling_key(spelling))

    def model_id_for(self, spelling: str) -> str:
        """Canonical id, or for an unmapped name its own id (a slug, prefixed so it cannot
        be mistaken for, or collide with, a curated id)."""
        return self.resolve(spelling) or "unmapped:" + slug(spelling)


def load_registry(path: Path) -> Registry:
    """Read models.toml, refusing a spelling claimed by two entries."""
    doc = read_toml(path, "the model registry (models.toml)")
    entries = doc.get("models")
    if not isinstance(entries, dict):
        raise ConfigError(f"{path}: expected [models.<id>] tables")
    models = []
    owner: dict[str, str] = {}
    for model_id, entry in entries.items():
        where = f"{path}: models.{model_id}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ConfigError(f"{where}.name: expected a display name")
        released = entry.get("release_date")
        if released is not None and not isinstance(released, date):
            raise ConfigError(f"{where}.release_date: expected a date like 2025-08-07, got {released!r}")
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ConfigError(f"{where}.aliases: expected a list of names")
        model = Model(model_id, entry["name"], entry.get("organisation"), released, tuple(aliases))
        for spelling in model.spellings:
            key = spelling_key(spelling)
            if owner.get(key, model_id) != model_id:
                raise ConfigError(
                    f"{where}: spelling {spelling!r} is already claimed by models.{owner[key]};"
                    " one spelling must map to one model"
                )
            owner[key] = model_id
        models.append(model)
    return Registry(tuple(models), owner)
