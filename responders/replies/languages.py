"""Languages of posts and of reply template variants: normalising a code and naming it for staff."""

from __future__ import annotations

import re

# English names of the languages the language detector answers with (monitor/language.py) and a
# few more a brand may write templates in. A code without a name is shown as the code itself.
NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "ga": "Irish", "gl": "Galician", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "is": "Icelandic", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish",
    "sw": "Swahili", "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
UNDETERMINED = "und"
# An ISO 639-1 or 639-3 code, optionally with a region or script ("pt-BR", "zh_Hant").
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$")


def normalize(code: str | None) -> str:
    """The primary language subtag of `code` ('es-MX' -> 'es'), or '' when unknown or 'und'."""
    found = _CODE.match((code or "").strip().lower())
    if found is None or found.group(1) in (UNDETERMINED, "zxx", "mul"):
        return ""
    return found.group(1)


def is_language_code(part: str) -> bool:
    """Whether a template file name part is a language code ('es'), not a tone or platform.

    Only two-letter ISO 639-1 codes (what the detector stores): no tone or platform name has two
    letters, while 'rss' would pass as a three-letter code.
    """
    return len(part) == 2 and part == normalize(part)


def language_name(code: str | None) -> str:
    """'Spanish' for 'es'; the code itself for a language without a name here; '' for none."""
    primary = normalize(code)
    return NAMES.get(primary, primary)


def language_label(code: str | None) -> str:
    """'Spanish (es)' for what staff read on the case page; 'not detected' when there is none."""
    primary = normalize(code)
    if not primary:
        return "not detected"
    return f"{language_name(primary)} ({primary})"
