"""Safe YAML reading: PyYAML's safe loader (the C one when present), never arbitrary tags."""

from __future__ import annotations

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load_text(text: str):
    """Parse one YAML document with the safe loader."""
    return yaml.load(text, Loader=SafeLoader)
