"""Posts in other languages are judged: a complaint is flagged with a reason naming its language."""

from __future__ import annotations

import dataclasses

import pytest

from monitor.scoring import score_text
from monitor.scoring.foreign import LexiconError, evidence, fold, load_lexicons

HANDLES = ("@acme",)

COMPLAINTS = [
    ("es", "Mi pedido nunca llegó y nadie responde", "nunca llegó"),
    ("es", "mi pedido nunca llego, quiero mi dinero", "nunca llegó"),  # no accent written
    ("es", "Me cobraron dos veces la suscripción. Muy mal.", "me cobraron dos veces"),
    ("es", "La base del hervidor echó chispas, es peligroso", "echó chispas"),
    ("de", "Meine Bestellung ist nie angekommen, ich warte immer noch", "nie angekommen"),
    ("de", "Doppelt abgebucht und keine Antwort vom Kundenservice", "doppelt abgebucht"),
    ("fr", "Toujours pas reçu ma commande, c'est une arnaque", "toujours pas reçu"),
    ("fr", "Le pire service client, personne ne répond", "le pire"),
    ("pt", "Meu pedido nunca chegou, quero meu dinheiro de volta", "nunca chegou"),
    ("pt", "Fui cobrado duas vezes pela assinatura", "cobrado duas vezes"),
    ("it", "Il mio ordine non è mai arrivato, servizio pessimo", "non è mai arrivato"),
    ("it", "Addebitato due volte e nessuno risponde", "addebitato due volte"),
    ("nl", "Mijn bestelling is nooit aangekomen, geen reactie", "nooit aangekomen"),
    ("nl", "Twee keer afgeschreven, dit is oplichting", "twee keer afgeschreven"),
    ("ja", "注文した商品がまだ届かない。最悪", "まだ届かない"),
    ("ja", "アプリにログインできない", "ログインできない"),
]


@pytest.mark.parametrize(("lang", "text", "phrase"), COMPLAINTS)
def test_a_complaint_is_flagged_with_its_language_in_the_reason(lang, text, phrase):
    score = score_text(text, lang=lang, brand_handles=HANDLES)
    assert score.flagged and score.complaint
    assert f"{lang} complaint lexicon: '{phrase}'" in score.reasons
    assert score.lang == lang


NOT_COMPLAINTS = [
    ("es", "El café de este mes está buenísimo, gracias"),
    ("es", "Llegó sin problemas, todo perfecto"),  # "problema" inside a denial
    ("es", "Paso por la tienda esta tarde"),  # "tarde" is also the afternoon
    ("de", "Der beste Wasserkocher, den ich je hatte"),
    ("de", "Lieferung kam problemlos, kein Problem"),
    ("fr", "Pas mal du tout, la bouilloire est parfaite"),
    ("fr", "Le café de novembre est incroyable, merci !"),
    ("pt", "Adorei a chaleira, ferve rápido e é linda 😍"),
    ("it", "Nessun problema con la consegna, grazie"),
    ("nl", "Geen probleem, alles is netjes aangekomen"),
    ("ja", "電気ケトル、沸くのが早くて静か。買ってよかった"),
    ("ja", "問題ないです、ありがとう"),
    ("es", "@acme ¿Alguien sabe cómo descalcificar el hervidor?"),  # a question, no grievance
    ("fr", "@acme commande KB-162013 : livraison prévue quand ?"),  # order number + question only
]


@pytest.mark.parametrize(("lang", "text"), NOT_COMPLAINTS)
def test_neutral_and_happy_posts_are_not_flagged(lang, text):
    assert evidence(text.lower(), lang, HANDLES).complaint is False


def test_a_false_friend_counts_only_in_its_own_language():
    # German "Gift" is poison; in English a gift is a present and the German lexicon is not read.
    assert score_text("Das Spielzeug enthält Gift", lang="de").flagged
    english = score_text("Got a lovely gift card from the shop", lang="en")
    assert not english.flagged
    assert not any("lexicon" in r for r in english.reasons)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Заказ не пришёл 😡 @acme ???!", "angry emoji 😡"),
        ("Заказ не пришёл!!! @acme где он?", "shouting '!!!'"),
    ],
)
def test_language_free_cues_judge_a_language_without_a_lexicon(text, reason):
    score = score_text(text, lang="ru", brand_handles=HANDLES)
    assert score.flagged
    assert reason in score.reasons


def test_english_is_judged_by_the_english_rules_alone():
    text = "nunca llegó, whatever"
    english, unknown = score_text(text, lang="en"), score_text(text, lang="und")
    assert english == dataclasses.replace(unknown, lang="en")
    assert evidence(text, "en") is None


def test_danger_makes_the_category_safety():
    score = score_text("La base echó chispas y salió humo", lang="es")
    assert score.category == "safety"


def test_folding_drops_accents_and_keeps_kana():
    assert fold("Llegó ÇA Straße", "es") == "llego ca strasse"
    assert fold("ガス", "ja") == "ガス"


def test_a_brand_extends_a_lexicon_from_its_folder(tmp_path):
    (tmp_path / "es.toml").write_text('strong = ["la tetera pita"]\n', encoding="utf-8")
    lexicons = load_lexicons(str(tmp_path))
    text = "La tetera pita mucho"
    assert score_text(text, lang="es", lexicons=lexicons).complaint
    assert not score_text(text, lang="es").complaint
    assert score_text("nunca llegó mi pedido", lang="es", lexicons=lexicons).complaint


def test_a_bad_lexicon_file_names_the_file_and_key(tmp_path):
    (tmp_path / "es.toml").write_text('angry = ["x"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"es\.toml: unknown key 'angry'"):
        load_lexicons(str(tmp_path))
    with pytest.raises(LexiconError, match="does not exist"):
        load_lexicons(str(tmp_path / "missing"))


def test_every_shipped_lexicon_loads_with_all_tiers():
    lexicons = load_lexicons()
    for lang in ("es", "de", "fr", "pt", "it", "nl", "ja"):
        tiers = set(lexicons[lang].tier.values())
        assert tiers == {"strong", "weak", "danger", "not"}, lang
