"""deploy/compose.yaml, checked without a Docker engine: valid against the Compose
Specification's schema, and wired as the README tells.

compose-spec.json is the Compose Specification's schema, from
https://github.com/compose-spec/compose-spec/blob/170098ba07d9f53c383a41bfd4c5166b0a4529a6/schema/compose-spec.json
under the Apache License 2.0 (compose-spec.LICENSE)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.__main__ import command_line
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCHEMA = Path(__file__).with_name("compose-spec.json")
# ${NAME}, ${NAME:-default}, ${NAME:?error}: what compose fills in from deploy/.env.
INTERPOLATED = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?\}")
BOT_SERVICES = ("migrate", "web", "worker")


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_the_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    assert [error.message for error in validator.iter_errors(compose())] == []


def test_the_schema_check_catches_a_mistake() -> None:
    broken = compose()
    broken["services"]["web"]["depends_on"]["migrate"]["condition"] = "service_finished"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert not jsonschema.Draft7Validator(schema).is_valid(broken)


def test_services_are_those_the_readme_names() -> None:
    services = compose()["services"]
    assert sorted(services) == ["migrate", "nginx", "postgres", "redis", "web", "worker"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.partition("## Running several workers")[2].partition("\n## ")[0]
    for name in services:
        assert f"`{name}`" in section


def test_bot_services_run_their_role_after_migrations_completed() -> None:
    services = compose()["services"]
    roles = {}
    for name in BOT_SERVICES:
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        parsed = command_line().parse_args(service["command"])
        roles[name] = (parsed.command, getattr(parsed, "role", None))
    assert roles == {
        "migrate": ("migrate", None),
        "web": ("run", "web"),
        "worker": ("run", "worker"),
    }
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["redis"] == {"condition": "service_healthy"}
        assert "/healthz" in " ".join(services[name]["healthcheck"]["test"])
    assert services["web"]["deploy"]["replicas"] == "${WEB_PROCESSES:-2}"
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_PROCESSES:-1}"
    # Only nginx is reached from outside.
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]


def test_the_image_runs_the_bot_as_its_own_user() -> None:
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
    instructions = [line.split(maxsplit=1) for line in lines if line and line[0].isupper()]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    for kind, rest in instructions:
        if kind == "COPY":
            *sources, _ = shlex.split(rest)
            assert all((ROOT / source).exists() for source in sources), rest
    assert ["USER", "axin"] in instructions
    assert instructions[-2:] == [["ENTRYPOINT", '["python", "-m", "bot"]'], ["CMD", '["run"]']]


def test_settings_passed_to_the_bot_are_real_settings() -> None:
    settings = {name.upper() for name in Settings.model_fields}
    services = compose()["services"]
    for name in BOT_SERVICES:
        assert services[name]["env_file"] == ".env"
        assert set(services[name]["environment"]) <= settings
    used = set(INTERPOLATED.findall((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    example = env_example()
    # Each line of .env.example is a setting of the bot or a variable compose.yaml uses, and
    # every variable compose.yaml uses is there.
    assert set(example) - settings <= used
    assert used <= set(example)
    assert {"BOT_TOKEN", "OWNER_IDS", "WEBHOOK_SECRET"} <= set(example)


def test_the_webhook_url_compose_builds_is_one_the_bot_accepts() -> None:
    environment = compose()["services"]["web"]["environment"]
    example = env_example()
    url = INTERPOLATED.sub(lambda m: example[m.group(1)], environment["WEBHOOK_URL"])
    assert url == "https://crm.example.com:443/telegram/hook"
    settings = Settings(_env_file=None, webhook_url=url, webhook_secret="s3cret")
    assert settings.webhook_url == url


def test_nginx_serves_the_site_with_the_compose_upstreams() -> None:
    nginx = compose()["services"]["nginx"]
    assert nginx["volumes"] == [
        "./nginx/axin.conf:/etc/nginx/templates/axin.conf.template:ro",
        "./nginx/compose-web.conf:/etc/nginx/axin-web.conf:ro",
        "./certs:/etc/nginx/certs:ro",
    ]
    site = (DEPLOY / "nginx" / "axin.conf").read_text(encoding="utf-8")
    template_variables = set(INTERPOLATED.findall(site))
    assert template_variables == {
        name for name in nginx["environment"] if name.startswith("AXIN_")
    }
    assert nginx["depends_on"] == {"web": {"condition": "service_healthy"}}
