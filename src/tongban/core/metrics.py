"""A small registry of Prometheus gauges that modules contribute to.

Modules register a collector function returning ``(name, help, value, labels)``
samples; ``/metrics`` renders them in the Prometheus text format. Collectors
query stored figures only, so a scrape stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Sample = tuple[str, str, float, dict[str, str]]
_collectors: list[Callable[[], Iterable[Sample]]] = []


def register(collector: Callable[[], Iterable[Sample]]) -> Callable[[], Iterable[Sample]]:
    """Add a collector (usable as a decorator); called at every scrape."""
    if collector not in _collectors:
        _collectors.append(collector)
    return collector


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render() -> str:
    """All samples in the text exposition format, one HELP/TYPE header per metric name."""
    lines: list[str] = [
        "# HELP tongban_up The process is serving.",
        "# TYPE tongban_up gauge",
        "tongban_up 1",
    ]
    seen: set[str] = set()
    for collector in _collectors:
        for name, help_text, value, labels in collector():
            if name not in seen:
                seen.add(name)
                lines.append(f"# HELP {name} {help_text}")
                lines.append(f"# TYPE {name} gauge")
            label_text = ",".join(f'{key}="{_escape(val)}"' for key, val in sorted(labels.items()))
            lines.append(f"{name}{{{label_text}}} {value}" if label_text else f"{name} {value}")
    return "\n".join(lines) + "\n"
