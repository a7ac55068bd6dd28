"""YAML loading for the project's data files: safe, and refusing a repeated key.

Plain ``yaml.safe_load`` keeps the last of two identical keys without a word, so a process owner who
pastes a second ``unit:`` or a second "2024/25" would silently lose the first.
"""

from __future__ import annotations

from typing import Any

import yaml


class _UniqueKeyLoader(yaml.SafeLoader):
    pass


def _construct_mapping(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"repeated key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _construct_timestamp(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> object:
    # PyYAML lets a ValueError escape for 2027-04-31, with no line number; make it a YAML error.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
        ) from exc


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(text: str) -> Any:
    """Parse ``text`` like ``yaml.safe_load``, but raise ``yaml.YAMLError`` on a repeated key."""
    # _UniqueKeyLoader is a SafeLoader, so this is as safe as yaml.safe_load.
    return yaml.load(text, Loader=_UniqueKeyLoader)
