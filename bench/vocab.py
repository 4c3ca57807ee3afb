"""Deterministic names shared by the generators: services, images, registries, words.

Every generator takes its own `random.Random` seeded from the run's seed and its category, so
adding content to one category does not reshuffle the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TEAMS = (
    "core", "edge", "data", "payments", "identity", "growth", "search", "infra",
    "mobile", "ops", "media", "ledger", "support", "trust", "partner",
)
NOUNS = (
    "api", "auth", "billing", "catalog", "checkout", "indexer", "notify", "gateway",
    "scheduler", "ingest", "export", "metrics", "webhooks", "profile", "inventory",
    "pricing", "reports", "sync", "worker", "console",
)
REGISTRIES = (
    "ghcr.io/acme",
    "docker.io/acmecorp",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme",
    "quay.io/acme",
    "europe-docker.pkg.dev/acme-prod/containers",
)
WORDS = (
    "the", "service", "request", "handler", "returns", "cache", "retry", "queue", "config",
    "deploy", "cluster", "rollout", "timeout", "client", "token", "schema", "migration",
    "release", "build", "version", "metrics", "alert", "owner", "review", "window", "region",
    "replica", "database", "backup", "restore", "latency", "budget", "runbook", "incident",
    "feature", "flag", "tenant", "partition", "index", "batch", "stream", "event", "payload",
    "limit", "quota", "secret", "rotation", "certificate", "endpoint", "contract", "upgrade",
)
LANGUAGES = ("python", "go", "typescript", "rust", "java")
ARTIFACT_IMAGE = "ghcr.io/tinyland-inc/runner-dashboard"
"""The seed's image: the generated repository's artifact under review."""


def services() -> list[str]:
    """300 service names, none of them the seed's `runner-dashboard`."""
    return [f"{team}-{noun}" for team in TEAMS for noun in NOUNS]


@dataclass(frozen=True)
class Service:
    name: str
    registry: str
    language: str

    @property
    def image(self) -> str:
        return f"{self.registry}/{self.name}"

    @property
    def directory(self) -> str:
        return f"services/{self.name}"


def service_catalogue(seed: int) -> list[Service]:
    rng = random.Random(f"{seed}:services")
    return [Service(n, rng.choice(REGISTRIES), rng.choice(LANGUAGES)) for n in services()]


def sentence(rng: random.Random, low: int = 6, high: int = 16) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def hex_digest(rng: random.Random, length: int = 64) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def gh(expression: str) -> str:
    """A GitHub Actions expression, kept out of f-strings where its braces would need doubling."""
    return "${{ " + expression + " }}"
