"""Language ID of a post: ISO 639-1 codes, "und" when too short, the platform's tag as fallback."""

from __future__ import annotations

import pytest

from monitor.language import declared, detect, strip_names


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my order never arrived and nobody answers", "en"),
        ("Mi pedido nunca llegó y nadie responde", "es"),
        ("Meine Bestellung ist nie angekommen, keine Antwort", "de"),
        ("Toujours pas reçu ma commande, personne ne répond", "fr"),
        ("Fui cobrado duas vezes pela assinatura", "pt"),
        ("Il mio ordine non è mai arrivato", "it"),
        ("Mijn bestelling is nooit aangekomen", "nl"),
        ("アプリにログインできない", "ja"),
        ("전기포트 진짜 조용해요", "ko"),
        # Mixed: Spanish text around an English brand name, handle, hashtag and link.
        ("@acmehelp #AcmeCoffee mi pedido nunca llegó https://acme.example/o/1", "es"),
    ],
)
def test_the_language_of_a_post(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("text", ["", "ok", "lol 😂", "@acme #fail", "https://x.example/a/b"])
def test_too_short_to_tell_is_und(text):
    assert detect(text) == "und"


def test_a_short_text_falls_back_to_the_platforms_tag():
    assert detect("Danke!", "de-DE") == "de"
    assert detect("Danke!", "und") == "und"  # X's "no language" is not a language


def test_declared_tags_become_bare_codes():
    assert declared("pt-BR") == "pt"
    assert declared("zxx") == ""
    assert declared(None) == ""


def test_names_are_cut_before_detection():
    assert strip_names("@acme hi #tag https://a.example/x").split() == ["hi"]


def test_a_huge_post_is_detected_quickly_enough_to_finish():
    assert detect("hola mi pedido nunca llegó " * 5000) == "es"
