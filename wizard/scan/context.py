"""What every source scanner shares: the repository, the configuration and the problem list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.config import Config
from wizard.facts import Evidence, Problem
from wizard.repo import FileProblem, Repo
from wizard.yamlsafe import YamlProblem, load_yaml


@dataclass
class ScanContext:
    repo: Repo
    config: Config
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    _yaml_cache: dict[str, Any] = field(default_factory=dict)
    file_set: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.file_set = set(self.files)

    def problem(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def evidence(self, path: str, line: int | None) -> Evidence:
        return Evidence(path, line, self.repo.blob(path))

    def read_text(self, path: str) -> str | None:
        """The file's text, or None after recording why it could not be read."""
        try:
            return self.repo.read_text(path)
        except FileProblem as exc:
            self.problem(path, None, str(exc))
            return None

    def load_yaml(self, path: str) -> Any:
        """The parsed YAML root (YMap/YSeq/...), or None after recording a problem.

        Each file is read and parsed once per scan, however many callers reach it.
        """
        if path in self._yaml_cache:
            return self._yaml_cache[path]
        root = None
        text = self.read_text(path)
        if text is not None:
            try:
                document = load_yaml(text)
            except YamlProblem as exc:
                self.problem(path, exc.line, exc.message)
            else:
                for key, line in document.duplicates:
                    self.problem(path, line, f"duplicate key `{key}`; the last value is used")
                root = document.root
        self._yaml_cache[path] = root
        return root

    def exists(self, path: str) -> bool:
        return path in self.file_set
