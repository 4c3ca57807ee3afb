"""The allowed_signers parser, checked against ssh-keygen's own reading of the same lines."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.signing.keys import SshKey, make_ssh_key, write_allowed_signers
from wizard.signing.allowed_signers import (
    match_pattern_list,
    parse_allowed_signers,
    parse_ssh_time,
    principals_for,
    read_allowed_signers,
)
from wizard.signing.errors import AllowedSignersError


def test_parses_every_documented_form_with_line_numbers(alice: SshKey, tmp_path: Path) -> None:
    other = make_ssh_key(tmp_path / "other", "dave")
    key, dave = alice.public_text, other.public_text
    text = (
        "# maintainers of the release authority\n"
        "\n"
        f"alice@example.org {key}\n"
        f'  "alice@example.org,a.m@example.org" namespaces="git,release-gate@*" {key} laptop\n'
        f'dave@example.org valid-after="20250101",valid-before="20260416093000Z" {dave}\n'
        f'*@example.org cert-authority,VALID-BEFORE="202604160930UTC" {dave}\n'
    )
    entries = parse_allowed_signers(text)
    assert [e.line for e in entries] == [3, 4, 5, 6]
    first, second, third, fourth = entries
    assert first.principals == ("alice@example.org",)
    assert first.namespaces is None and first.valid_after is None and not first.cert_authority
    assert first.key.fingerprint == alice.fingerprint
    assert second.principals == ("alice@example.org", "a.m@example.org")
    assert second.namespaces == ("git", "release-gate@*")
    assert third.valid_after == datetime(2025, 1, 1).astimezone(UTC)
    assert third.valid_before == datetime(2026, 4, 16, 9, 30, tzinfo=UTC)
    assert fourth.cert_authority
    assert fourth.valid_before == datetime(2026, 4, 16, 9, 30, tzinfo=UTC)


def test_ssh_keygen_reads_the_same_principals(alice: SshKey, tmp_path: Path) -> None:
    path = write_allowed_signers(
        tmp_path / "allowed_signers",
        f'"alice@example.org,a.m@example.org" namespaces="ns" {alice.public_text}',
    )
    signature = subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", str(alice.private), "-n", "ns"],
        input=b"data",
        capture_output=True,
        check=True,
    ).stdout
    (tmp_path / "s.sig").write_bytes(signature)
    found = subprocess.run(
        ["ssh-keygen", "-Y", "find-principals", "-s", str(tmp_path / "s.sig"), "-f", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    entries = parse_allowed_signers(read_allowed_signers(path))
    assert found == list(entries[0].principals) == ["alice@example.org", "a.m@example.org"]


@pytest.mark.parametrize(
    ("middle", "message"),
    [
        ('"alice@example.org {key}', "the quoted principals have no closing quote"),
        ("alice@example.org", "the line has no public key"),
        ('alice@example.org namespaces="git"', "the line has no public key"),
        ("alice@example.org unknown-option {key}", "unsupported option 'unknown-option'"),
        ("alice@example.org namespaces=git {key}", "the namespaces value must be in double quotes"),
        ('alice@example.org namespaces="git {key}', "an option value has no closing quote"),
        (
            'alice@example.org namespaces="a",namespaces="b" {key}',
            "the namespaces option is given twice",
        ),
        ('alice@example.org namespaces="a", {key}', "the options end with a comma"),
        ('alice@example.org namespaces="a"x {key}', "unexpected 'x' after an option"),
        ('alice@example.org valid-after="2026" {key}', "invalid valid-after time"),
        ('alice@example.org valid-before="20261301Z" {key}', "invalid valid-before time"),
        (
            'alice@example.org valid-after="20260101Z",valid-before="20250101Z" {key}',
            "valid-before is not later than valid-after",
        ),
        (
            "alice@example.org ssh-ed25519 not*base64",
            "invalid public key: the key data is not valid base64",
        ),
        (
            "alice@example.org ssh-rsa {blob}",
            "invalid public key: the key data encodes a ssh-ed25519 key, not ssh-rsa",
        ),
    ],
)
def test_malformed_lines_name_the_file_and_line(alice: SshKey, middle: str, message: str) -> None:
    blob = alice.public_text.split()[1]
    text = f"ok@example.org {alice.public_text}\n" + middle.format(key=alice.public_text, blob=blob)
    with pytest.raises(AllowedSignersError) as raised:
        parse_allowed_signers(text, source="keys/allowed_signers")
    assert raised.value.line == 2
    assert str(raised.value).startswith("keys/allowed_signers line 2: ")
    assert message in str(raised.value)


def test_principals_for_collects_the_key_in_file_order(alice: SshKey, tmp_path: Path) -> None:
    other = make_ssh_key(tmp_path / "other", "dave")
    entries = parse_allowed_signers(
        f"alice@example.org,!alice@old.example.org {alice.public_text}\n"
        f"dave@example.org {other.public_text}\n"
        f'"a.m@example.org,alice@example.org" namespaces="x" {alice.public_text}\n'
        f"ca@example.org cert-authority {alice.public_text}\n"
    )
    assert principals_for(entries, alice.public_text) == ["alice@example.org", "a.m@example.org"]
    assert principals_for(entries, other.public_text + " comment") == ["dave@example.org"]
    stranger = make_ssh_key(tmp_path / "stranger", "eve")
    assert principals_for(entries, stranger.public_text) == []


def test_entry_checks_namespace_principal_and_window(alice: SshKey) -> None:
    (entry,) = parse_allowed_signers(
        f'*@example.org,!eve@example.org namespaces="release-gate@*,!release-gate@old",'
        f'valid-after="20250101Z",valid-before="20260101Z" {alice.public_text}'
    )
    assert entry.allows_principal("alice@example.org")
    assert not entry.allows_principal("eve@example.org")
    assert not entry.allows_principal("alice@example.com")
    assert entry.allows_namespace("release-gate@example.org")
    assert not entry.allows_namespace("release-gate@old")
    assert not entry.allows_namespace("git")
    assert entry.valid_at(datetime(2025, 1, 1, tzinfo=UTC))
    assert entry.valid_at(datetime(2026, 1, 1, tzinfo=UTC))
    assert not entry.valid_at(datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert not entry.valid_at(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC))
    assert (
        entry.window()
        == "valid after 2025-01-01 00:00:00 UTC and valid before 2026-01-01 00:00:00 UTC"
    )


def test_pattern_lists_follow_openssh_semantics() -> None:
    assert match_pattern_list("git", ["git"])
    assert match_pattern_list("a.b", ["a?b"])
    assert not match_pattern_list("axxb", ["a?b"])
    assert match_pattern_list("anything", ["*"])
    assert not match_pattern_list("x", ["*", "!x"])
    assert not match_pattern_list("x", ["!y"])  # a negation alone matches nothing
    assert not match_pattern_list("a[b]", ["a[!b]"])  # brackets are literal, unlike fnmatch
    assert match_pattern_list("a[b]", ["a[b]"])


def test_time_formats() -> None:
    assert parse_ssh_time("20260416Z") == datetime(2026, 4, 16, tzinfo=UTC)
    assert parse_ssh_time("202604160930z") == datetime(2026, 4, 16, 9, 30, tzinfo=UTC)
    assert parse_ssh_time("20260416093015UTC") == datetime(2026, 4, 16, 9, 30, 15, tzinfo=UTC)
    assert parse_ssh_time("20260416") == datetime(2026, 4, 16).astimezone()
    for bad in (
        "2026041",
        "2026-04-16",
        "20260416T0930Z",
        "Z",
        "\u0662\u0660\u0662\u0666\u0660\u0664\u0661\u0666",
    ):
        with pytest.raises(ValueError):
            parse_ssh_time(bad)


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(AllowedSignersError, match=r"allowed_signers file .*missing cannot be read"):
        parse_allowed_signers(read_allowed_signers(tmp_path / "missing"))
    binary = tmp_path / "binary"
    binary.write_bytes(b"alice \xff\xfe\n")
    with pytest.raises(AllowedSignersError, match=r"is not valid UTF-8 \(byte 6\)"):
        parse_allowed_signers(read_allowed_signers(binary))
