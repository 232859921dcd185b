"""Settings: the example runs as it is; a bad file names the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_BRAND = '[[brands]]\nname = "Acme"\nkeywords = ["acme"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "makegood.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_configuration_loads() -> None:
    settings = load_settings(ROOT / "config" / "makegood.example.toml")
    assert settings.brands[0].name == "Kettlebird"
    assert settings.brands[0].channels[0].type == "replay"
    assert settings.database_url.startswith("sqlite:///")
    assert Path(settings.templates_dir).is_dir()


def test_database_url_comes_from_the_environment_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAKEGOOD_DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    assert load_settings(write(tmp_path, GOOD_BRAND)).database_url.startswith("postgresql://")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "brands: Field required"),
        ("[web]\nport = 0\n" + GOOD_BRAND, "web.port: Input should be greater than or equal to 1"),
        ('[[brands]]\nname = "Acme"\n', "brands[0] (Acme): Value error, a brand needs"),
        (GOOD_BRAND + "colour = 1\n", "brands[0] (Acme).colour: Extra inputs are not permitted"),
        (
            GOOD_BRAND + '[[brands.channels]]\ntype = "replay"\ninterval_seconds = -5\n',
            "brands[0] (Acme).channels[0].interval_seconds: Input should be greater than",
        ),
        ('[alerts]\nquiet_hours = "late"\n' + GOOD_BRAND, "alerts.quiet_hours: Value error"),
        ("brands = [", "not valid TOML"),
    ],
)
def test_a_bad_configuration_names_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("given", "env", "said"),
    [
        ("nope.toml", None, "given with --config"),
        (None, "from-env.toml", "from $MAKEGOOD_CONFIG"),
        (None, None, "the default, as neither --config nor $MAKEGOOD_CONFIG was given"),
    ],
)
def test_a_missing_file_says_where_its_path_came_from_and_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str | None, env: str | None, said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if env:
        monkeypatch.setenv("MAKEGOOD_CONFIG", env)
    else:
        monkeypatch.delenv("MAKEGOOD_CONFIG", raising=False)
    with pytest.raises(ConfigError) as caught:
        load_settings(given)
    message = str(caught.value)
    assert said in message and f"(in {tmp_path})" in message
    assert "makegood init DIR" in message


def channel(body: str) -> str:
    return GOOD_BRAND + "[[brands.channels]]\n" + body


# (the file's text, the field path that must be named, what must be said of it)
REFUSED = [
    ('[alerts]\ntimezone = "Mars/Olympus"\n' + GOOD_BRAND, "alerts.timezone", "unknown time zone"),
    ('[alerts]\ntimezone = "America"\n' + GOOD_BRAND, "alerts.timezone", "unknown time zone"),
    ('[alerts]\ntimezone = ""\n' + GOOD_BRAND, "alerts.timezone", "unknown time zone"),
    ('[alerts]\nquiet_hours = "25:00-07:00"\n' + GOOD_BRAND, "alerts.quiet_hours", "00-23"),
    ('[alerts]\nquiet_hours = "22:60-07:00"\n' + GOOD_BRAND, "alerts.quiet_hours", "00-59"),
    ('[alerts]\nquiet_hours = "22:00-22:00"\n' + GOOD_BRAND, "alerts.quiet_hours", "same time"),
    ('[alerts]\nquiet_hours = "22-07"\n' + GOOD_BRAND, "alerts.quiet_hours", "HH:MM-HH:MM"),
    (channel('type = "myspace"\n'), "brands[0] (Acme).channels[0].type", "unknown channel type"),
    (
        channel('type = "reddit"\nname = "main"\nsubredits = ["tea"]\n'),
        "brands[0] (Acme).channels[0] (main).subredits",
        "unknown option for this channel type",
    ),
    (
        channel('type = "reddit"\nsubreddits = "tea"\n'),
        "brands[0] (Acme).channels[0].subreddits",
        "valid list",
    ),
    (
        channel('type = "replay"\npath = "x.jsonl"\npage_size = "fifty"\n'),
        "brands[0] (Acme).channels[0].page_size",
        "valid integer",
    ),
    (channel('type = "replay"\n'), "brands[0] (Acme).channels[0].path", "Field required"),
    (channel('type = "rss"\nurl = 5\n'), "brands[0] (Acme).channels[0].url", "valid string"),
    (channel('type = "mastodon"\nbogus = 1\n'), "channels[0].bogus", "unknown option"),
    ("[sla]\nhigh = 0\n" + GOOD_BRAND, "sla.high", "greater than or equal to 1"),
    ("[sla]\nlow = 100000\n" + GOOD_BRAND, "sla.low", "less than or equal to 43200"),
    ('[sla]\nhigh = "soon"\n' + GOOD_BRAND, "sla.high", "valid integer"),
    ("[spike]\nbucket_minutes = 0\n" + GOOD_BRAND, "spike.bucket_minutes", "greater than"),
    ("[spike]\nbucket_minutes = 100000\n" + GOOD_BRAND, "spike.bucket_minutes", "less than"),
    ("[spike]\nalpha = 1.5\n" + GOOD_BRAND, "spike.alpha", "less than 1"),
    ("[spike]\nmin_ratio = 0.5\n" + GOOD_BRAND, "spike.min_ratio", "greater than or equal to 1"),
    ("[spike]\nk_sigma = -1\n" + GOOD_BRAND, "spike.k_sigma", "greater than 0"),
    ("[spike]\nviral_engagement_per_hour = inf\n" + GOOD_BRAND, "spike", "finite number"),
    ("[spike]\nbucket_minutes = 30\n" + GOOD_BRAND, "spike", "shorter than bucket_minutes"),
]


@pytest.mark.parametrize(("text", "field", "what"), REFUSED)
def test_each_bad_setting_is_refused_naming_file_field_and_problem(
    tmp_path: Path, text: str, field: str, what: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid configuration")
    line = next((line for line in message.splitlines() if field in line), "")
    assert what in line, message


def test_every_problem_of_a_file_is_listed_at_once(tmp_path: Path) -> None:
    text = '[alerts]\ntimezone = "Nowhere/City"\n' + channel('type = "reddit"\nsubredits = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    message = str(caught.value)
    assert "alerts.timezone" in message and "channels[0].subredits" in message


@pytest.mark.parametrize(
    "text",
    [
        '[alerts]\ntimezone = "Europe/Berlin"\nquiet_hours = "22:00-07:00"\n' + GOOD_BRAND,
        channel('type = "reddit"\nsubreddits = ["tea"]\ninterval_seconds = 60\n'),
        channel('type = "hackernews"\nenabled = false\n'),
        "[sla]\nlow = 43200\n[spike]\nbucket_minutes = 1440\n" + GOOD_BRAND,
    ],
)
def test_good_settings_still_load(tmp_path: Path, text: str) -> None:
    assert load_settings(write(tmp_path, text)).brands[0].name == "Acme"


# A secret written into the file: (the file's text, the field named, the variable pointed to)
SECRETS_IN_THE_FILE = [
    ('[smtp]\npassword = "hunter22"\n' + GOOD_BRAND, "smtp.password", "MAKEGOOD_SMTP_PASSWORD"),
    (
        '[smtp]\npassword_env = "MAIL_PW"\npassword = "hunter22"\n' + GOOD_BRAND,
        "smtp.password",
        "MAIL_PW",
    ),
    ('[web]\nsecret_key = "0123456789"\n' + GOOD_BRAND, "web.secret_key", "MAKEGOOD_SECRET_KEY"),
    (
        '[storage]\nurl = "postgresql://app:hunter22@db/mg"\n' + GOOD_BRAND,
        "storage.url",
        "MAKEGOOD_DATABASE_URL",
    ),
    (
        '[storage]\nurl = "postgresql://app@db/mg?password=hunter22"\n' + GOOD_BRAND,
        "storage.url",
        "MAKEGOOD_DATABASE_URL",
    ),
    (
        channel('type = "mastodon"\naccess_token = "abcd1234"\n'),
        "channels[0].access_token",
        "MAKEGOOD_MASTODON_ACCESS_TOKEN",
    ),
    (
        channel('type = "bluesky"\napp_password = "abcd-1234"\n'),
        "channels[0].app_password",
        "MAKEGOOD_BLUESKY_APP_PASSWORD",
    ),
    (
        channel('type = "x"\nbearer_token_env = "OUR_X"\nbearer_token = "AAAA"\n'),
        "channels[0].bearer_token",
        "OUR_X",
    ),
    (
        channel('type = "reddit"\nclient_secret = "s3cr3t"\n'),
        "channels[0].client_secret",
        "MAKEGOOD_REDDIT_CLIENT_SECRET",
    ),
    (channel('type = "rss"\nurl = "http://f"\napi_key = "k"\n'), "channels[0].api_key", "docs/"),
]


@pytest.mark.parametrize(("text", "field", "variable"), SECRETS_IN_THE_FILE)
def test_a_secret_in_the_file_is_refused_naming_its_variable(
    tmp_path: Path, text: str, field: str, variable: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    (line,) = [line for line in str(caught.value).splitlines() if field in line]
    assert variable in line and ("does not go in the file" in line or "never go in" in line)
    for secret in ("hunter22", "abcd1234", "abcd-1234", "s3cr3t"):
        assert secret not in str(caught.value)


def commented_channels(text: str) -> list[str]:
    """The example file's commented-out channel blocks, uncommented."""
    blocks, current = [], None
    for line in text.splitlines():
        body = line.strip().removeprefix("#").strip() if line.strip().startswith("#") else None
        if body == "[[brands.channels]]":
            current = []
            blocks.append(current)
        elif current is not None and body:
            current.append(body)
        elif body is None or not body:
            current = None
    return ["\n".join(block) + "\n" for block in blocks]


def test_every_commented_channel_in_the_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    example = (ROOT / "config" / "makegood.example.toml").read_text(encoding="utf-8")
    blocks = commented_channels(example)
    types = [block.split('"')[1] for block in blocks]
    assert types == ["reddit", "x", "mastodon", "bluesky", "hackernews", "rss"]
    for block in blocks:
        load_settings(write(tmp_path, channel(block)))  # raises, naming the key, if not


def test_the_example_sets_every_worker_setting() -> None:
    from monitor.settings import WorkerSettings

    example = (ROOT / "config" / "makegood.example.toml").read_text(encoding="utf-8")
    section = example.split("[worker]", 1)[1].split("\n[", 1)[0]
    assert all(f"\n{name} = " in section for name in WorkerSettings.model_fields)
