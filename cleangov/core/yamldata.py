"""Helpers for the versioned YAML data files (record-book kinds, assessment frameworks, ...)."""

from __future__ import annotations

import yaml


def list_item_lines(text: str, key: str) -> list[int]:
    """1-based line of each item of the top-level list ``key``, so validation errors can name the line.
    Empty when the text is not a mapping holding that list (the parser reports that itself)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for item_key, value in root.value:
        if item_key.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []
