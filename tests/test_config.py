from pathlib import Path

import pytest

from hospiblog.config import load_config
from hospiblog.errors import BuildFailed, ConfigError, HospiblogError, flatten
from tests.conftest import SITE_TOML


def errors_of(site: Path) -> list[str]:
    with pytest.raises(HospiblogError) as caught:
        load_config(site)
    return [error.format(site) for error in flatten([caught.value])]


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.toml").write_text(text, "utf-8")
    return tmp_path


def test_reads_a_valid_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SITE_TOML))
    assert config.title == "Blog de test"
    assert config.language == "fr" and config.timezone == "Europe/Zurich"
    assert config.categories["medicine"].slug == "medecine"
    assert config.categories["medicine"].key == "medicine"
    assert config.authors["cmartin"].role == "Médecin adjointe"
    assert config.feed_size == 20 and config.output_dir == "public"


def test_unknown_key_names_its_line_and_the_closest_key(tmp_path: Path) -> None:
    text = SITE_TOML.replace('description = "Un blog pour les tests"',
                             'description = "x"\ndescripton = "Un blog"')
    messages = errors_of(write(tmp_path, text))
    assert messages == ["site.toml:3: error: unknown key 'descripton'\n    how to fix: did you mean 'description'?"]


def test_unknown_key_in_a_nested_table(tmp_path: Path) -> None:
    text = SITE_TOML.replace('role = "Médecin adjointe"', 'roles = "Médecin adjointe"')
    (message,) = errors_of(write(tmp_path, text))
    assert "unknown key 'authors.cmartin.roles'" in message and "did you mean 'role'" in message
    line = text.splitlines().index('roles = "Médecin adjointe"') + 1
    assert message.startswith(f"site.toml:{line}:")


def test_wrong_type_is_reported_with_its_line(tmp_path: Path) -> None:
    text = SITE_TOML.replace("posts_per_page = 2", 'posts_per_page = "deux"')
    (message,) = errors_of(write(tmp_path, text))
    assert message.startswith("site.toml:4: error: 'posts_per_page' must be a whole number")


def test_missing_base_url(tmp_path: Path) -> None:
    text = SITE_TOML.replace('base_url = "https://blog.test.example"\n', "")
    (message,) = errors_of(write(tmp_path, text))
    assert "missing required key 'base_url'" in message


def test_relative_base_url_is_refused(tmp_path: Path) -> None:
    (message,) = errors_of(write(tmp_path, SITE_TOML.replace("https://blog.test.example", "/blog")))
    assert "base_url must be an absolute http(s) URL" in message


def test_every_problem_is_reported_together(tmp_path: Path) -> None:
    text = SITE_TOML.replace('color = "#0b5cad"', 'color = "bleu"').replace("posts_per_page = 2", "posts_per_page = 0")
    with pytest.raises(BuildFailed) as caught:
        load_config(write(tmp_path, text))
    assert len(caught.value.errors) == 2


def test_invalid_toml_gives_the_line(tmp_path: Path) -> None:
    (message,) = errors_of(write(tmp_path, 'title = "x"\ndescription = "oubli\n'))
    assert message.startswith("site.toml:2: error: invalid TOML")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no site\.toml"):
        load_config(tmp_path)


def test_unknown_timezone_and_language(tmp_path: Path) -> None:
    text = SITE_TOML.replace('posts_per_page = 2', 'posts_per_page = 2\ntimezone = "Europe/Genf"\nlanguage = "it"')
    messages = errors_of(write(tmp_path, text))
    assert any("unknown time zone" in message for message in messages)
    assert any("unsupported language" in message for message in messages)


def test_javascript_url_in_social_accounts_is_refused(tmp_path: Path) -> None:
    text = SITE_TOML.replace('x = "https://x.com/hopitaltest"', 'x = "javascript:alert(1)"')
    (message,) = errors_of(write(tmp_path, text))
    assert "'social.x' must be an http(s) URL" in message
