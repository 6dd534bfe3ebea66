"""The management commands a newcomer types: migrate, sandbox_apikey,
seed_sandbox, runsandbox, and demo_setup behind `make run`."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.commands import migrate as django_migrate

from sandbox.management.commands import runsandbox
from sandbox.models import Account, ApiKey, Event, Order

# "__all__" rather than ["sandbox"]: Django makes every alias depend on `default`
# at test-database setup, so a run of this file alone needs both.
pytestmark = pytest.mark.django_db(databases="__all__")


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# --- migrate --------------------------------------------------------------


@pytest.fixture
def migrated(monkeypatch) -> list[str]:
    """Records which databases Django's own migrate was asked to migrate."""
    seen = []
    monkeypatch.setattr(django_migrate.Command, "handle", lambda self, *a, **o: seen.append(o["database"]))
    return seen


def test_plain_migrate_migrates_default_then_sandbox(migrated):
    run("migrate")
    assert migrated == ["default", "sandbox"]


def test_migrate_with_database_migrates_that_one_only(migrated):
    run("migrate", database="sandbox")
    run("migrate", "--database", "default")
    assert migrated == ["sandbox", "default"]


@pytest.mark.django_db(databases="__all__")
def test_plain_migrate_really_runs_on_both_databases():
    out, _ = run("migrate", verbosity=1)
    assert "Database 'default'" in out and "Database 'sandbox'" in out
    assert out.count("No migrations to apply") == 2


# --- sandbox_apikey -------------------------------------------------------


def test_apikey_prints_one_test_key_on_the_last_line_and_stores_only_its_hash():
    out, err = run("sandbox_apikey")
    lines = out.strip().splitlines()
    key = lines[-1]
    assert lines == [key] and key.startswith("bs_test_") and len(key) > 20
    stored = ApiKey.objects.get(key_hash=ApiKey.hash(key))
    assert stored.account.slug == "demo"
    assert (stored.livemode, stored.read_only) == (False, False)
    assert key not in str(list(ApiKey.objects.values_list()))
    assert "Created account 'demo'" in err


def test_apikey_live_read_only_for_a_named_account():
    key = run("sandbox_apikey", "--account", "acme", "--live", "--read-only")[0].splitlines()[-1]
    assert key.startswith("bs_live_")
    stored = ApiKey.objects.get(key_hash=ApiKey.hash(key))
    assert (stored.account.slug, stored.livemode, stored.read_only) == ("acme", True, True)


def test_apikey_reuses_the_account_and_makes_a_new_key_each_time():
    first = run("sandbox_apikey", "--account", "acme")[0].splitlines()[-1]
    second = run("sandbox_apikey", "--account", "acme")[0].splitlines()[-1]
    assert first != second
    assert Account.objects.filter(slug="acme").count() == 1
    assert ApiKey.objects.filter(account__slug="acme").count() == 2


def test_apikey_refuses_an_account_that_is_not_a_slug():
    with pytest.raises(CommandError, match="--account"):
        run("sandbox_apikey", "--account", "not a slug")
    assert not Account.objects.exists()


# --- seed_sandbox ---------------------------------------------------------


def test_seed_sandbox_fills_the_account_and_says_what_it_made():
    out, _ = run("seed_sandbox", "--account", "acme", "--events", "6", "--orders-per-event", "10", "--seed", "3")
    events = Event.objects.filter(account__slug="acme", livemode=False)
    assert events.count() == 6
    assert f"{Order.objects.filter(account__slug='acme').count()} orders" in out
    assert "6 events" in out


def test_seed_sandbox_live_seeds_the_live_environment_only():
    run("seed_sandbox", "--events", "3", "--orders-per-event", "2", "--live")
    assert Event.objects.filter(account__slug="demo", livemode=True).count() == 3
    assert not Event.objects.filter(livemode=False).exists()


def test_seed_sandbox_rejects_negative_sizes():
    with pytest.raises(CommandError):
        run("seed_sandbox", "--events", "-1")


# --- runsandbox -----------------------------------------------------------


class Execed(Exception):
    pass


@pytest.fixture
def execve(monkeypatch) -> list:
    calls = []

    def fake(path, argv, env):
        calls.append((path, argv, env))
        raise Execed

    monkeypatch.setattr(os, "execve", fake)
    monkeypatch.setattr(os, "chdir", lambda path: None)
    return calls


@pytest.mark.skipif(os.name != "posix", reason="exec is POSIX-only; Windows waits on a child")
@pytest.mark.parametrize(("args", "addr"), [((), "127.0.0.1:8001"), (("0.0.0.0:9000",), "0.0.0.0:9000")])
def test_runsandbox_becomes_runserver_with_the_sandbox_settings(execve, args, addr):
    out = StringIO()
    with pytest.raises(Execed):
        call_command("runsandbox", *args, stdout=out)
    _, argv, env = execve[0]
    assert argv[-2:] == ["runserver", addr] and argv[1].endswith("manage.py")
    assert env["DJANGO_SETTINGS_MODULE"] == "sandbox.settings"
    assert f"{runsandbox.base_url(addr)}/v1/test/" in out.getvalue()


@pytest.mark.parametrize(
    ("addrport", "url"),
    [
        ("127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("8002", "http://127.0.0.1:8002"),
        ("0.0.0.0:80", "http://127.0.0.1:80"),
    ],
)
def test_runsandbox_prints_a_url_a_browser_can_open(addrport, url):
    assert runsandbox.base_url(addrport) == url


# --- demo_setup -----------------------------------------------------------


def env_key(path) -> str:
    lines = [line for line in path.read_text().splitlines() if line.startswith("BRIGHTSTAR_API_KEY=")]
    assert len(lines) == 1, lines
    return lines[0].split("=", 1)[1]


def test_demo_setup_creates_seeds_and_writes_a_key_to_env(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DEBUG=true\nBRIGHTSTAR_API_KEY=bs_test_stale\nSECRET_KEY=abc\n")
    out, _ = run("demo_setup", "--env-file", str(env))

    key = env_key(env)
    assert key.startswith("bs_test_") and key != "bs_test_stale"
    assert env.read_text().splitlines()[:2] == ["DEBUG=true", "SECRET_KEY=abc"]
    stored = ApiKey.objects.get(key_hash=ApiKey.hash(key))
    assert (stored.account.slug, stored.livemode, stored.read_only) == ("demo", False, False)
    assert Event.objects.filter(account=stored.account, livemode=False).count() == 12
    assert f'curl -H "Authorization: Bearer {key}" http://127.0.0.1:8001/v1/test/events' in out


def test_demo_setup_again_reuses_the_key_and_the_data(tmp_path):
    env = tmp_path / ".env"
    run("demo_setup", "--env-file", str(env))
    key, keys, events = env_key(env), ApiKey.objects.count(), Event.objects.count()

    out, _ = run("demo_setup", "--env-file", str(env))
    assert env_key(env) == key
    assert (ApiKey.objects.count(), Event.objects.count()) == (keys, events)
    assert f"Bearer {key}" in out


def test_demo_setup_replaces_a_key_the_sandbox_forgot_without_seeding_twice(tmp_path):
    env = tmp_path / ".env"
    run("demo_setup", "--env-file", str(env))
    old = env_key(env)
    ApiKey.objects.all().delete()  # e.g. var/sandbox.sqlite3 rebuilt, .env kept
    events = Event.objects.count()

    run("demo_setup", "--env-file", str(env), "--addr", "127.0.0.1:9001")
    assert env_key(env) != old
    assert ApiKey.objects.filter(key_hash=ApiKey.hash(env_key(env))).exists()
    assert Event.objects.count() == events
