"""docs/configuration.md: every setting documented, and the page as the models render it now."""

from __future__ import annotations

from monitor.settings_reference import PAGE, every_field, render, type_name


def test_every_setting_has_a_description() -> None:
    undocumented = [
        f"{header} {key}" for header, key, info in every_field() if not info.description
    ]
    assert undocumented == [], "give these Field(description=...): " + ", ".join(undocumented)


def test_the_page_is_what_the_models_render_now() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/configuration.md is stale: run ./scripts/config-docs and commit it"
    )


def test_the_page_names_every_section_and_channel_type() -> None:
    page = render()
    for header in ("## [storage]", "## [worker]", "## [[brands]]", "## [[brands.channels]]"):
        assert header in page
    for kind in ("replay", "reddit", "x", "mastodon", "bluesky", "hackernews", "rss"):
        assert f'### type = "{kind}"' in page
    assert "| `MAKEGOOD_MASTODON_ACCESS_TOKEN` |" in page


def test_types_read_as_toml_words() -> None:
    from typing import Literal

    cases = {
        str: "text",
        list[int]: "list of integer",
        bool | None: "boolean (or unset)",
        Literal["high", "critical"]: 'one of "high", "critical"',
        dict[str, str]: "table of text",
    }
    assert {t: type_name(t) for t in cases} == cases
