"""The `run:` script reader: commands, words, lines, variables, and what is not a command."""

from __future__ import annotations

from wizard.scan.arguments import parse_arguments, unwrap
from wizard.scan.expressions import (
    Scope,
    flake_attr,
    image_name,
    is_digest_reference,
    registry_of,
    split_list,
    split_reference,
)
from wizard.scan.shell import parse_script
from wizard.scan.shell_variables import expand_variables


def test_words_lines_and_expressions_restored() -> None:
    script = parse_script(
        "set -e\n"
        'docker build -f app/Dockerfile -t "${{ env.IMAGE }}:${{ github.sha }}" \\\n'
        "  --label 'a b' .\n"
        "echo \"${{ format('{0}\n{1}', 'x', 'y') }}\"\n"
        "docker push ${{ env.IMAGE }}\n"
    )
    assert [(c.line, c.words) for c in script.commands] == [
        (1, ["set", "-e"]),
        (2, ["docker", "build", "-f", "app/Dockerfile", "-t",
             "${{ env.IMAGE }}:${{ github.sha }}", "--label", "a b", "."]),
        (4, ["echo", "${{ format('{0}\n{1}', 'x', 'y') }}"]),
        # The expression above spans two lines; the next command keeps its real line.
        (6, ["docker", "push", "${{ env.IMAGE }}"]),
    ]


def test_guards_redirects_and_pipes() -> None:
    script = parse_script(
        "trivy image x || true\n"
        "a && b || :\n"
        "c || echo failed\n"
        "d || exit 1\n"
        "docker load < result\n"
        'echo "D=1" >> "$GITHUB_ENV"\n'
        "./result | gunzip -c | docker load\n"
    )
    facts = [(c.name, c.guarded, c.stdin, c.stdout) for c in script.commands]
    assert facts == [
        ("trivy", True, None, None),
        ("true", False, None, None),
        ("a", True, None, None),
        ("b", True, None, None),
        (":", False, None, None),
        ("c", True, None, None),
        ("echo", False, None, None),
        ("d", False, None, None),
        ("exit", False, None, None),
        ("docker", False, "result", None),
        ("echo", False, None, "$GITHUB_ENV"),
        ("./result", False, None, None),
        ("gunzip", False, None, None),
        ("docker", False, None, None),
    ]
    load = script.commands[-1]
    assert load.piped_from is script.commands[-2]
    assert load.piped_from.piped_from is script.commands[-3]


def test_variables_are_literal_only_and_positional() -> None:
    script = parse_script(
        "A=one\n"
        'B="$A/two"\n'
        "export C=${B}-x\n"
        "A=$(date)\n"
        "for D in x y; do :; done\n"
        "FOO=prefix echo done\n"
    )
    end = script.commands[-1].position + 1
    assert script.variable("A", end) == (True, None)
    assert script.variable("B", end) == (True, "one/two")
    assert script.variable("C", end) == (True, "one/two-x")
    assert script.variable("D", end) == (True, None)
    assert script.variable("FOO", end) == (False, None)
    assert script.variable("A", 2) == (True, "one")
    assert script.commands[-1].prefix_env == {"FOO": "prefix"}
    lookup = {"1": "first", "NAME": "n"}.get
    assert expand_variables("$1/${NAME}/$MISSING/${1}", lookup) == "first/n/$MISSING/first"


def test_heredoc_bodies_and_comments_are_not_commands_but_substitutions_are() -> None:
    script = parse_script(
        "cat <<EOF\ndocker push nope\nEOF\n# docker push comment\nX=$(crane push a b)\n"
    )
    assert [c.words for c in script.commands] == [["cat"], ["crane", "push", "a", "b"]]


def test_wrappers_are_unwrapped() -> None:
    assert unwrap(["sudo", "-E", "-u", "ci", "docker", "push", "x"]) == ["docker", "push", "x"]
    assert unwrap(["env", "A=1", "time", "cosign", "sign", "x"]) == ["cosign", "sign", "x"]
    assert unwrap(
        ["nix", "develop", ".#ci", "--command", "skopeo", "copy", "a", "b"]
    ) == ["skopeo", "copy", "a", "b"]
    assert unwrap(["nix", "develop"]) == ["nix", "develop"]


def test_arguments_split_like_the_tools() -> None:
    parsed = parse_arguments(
        ["--option", "k", "v", "build", "-o", "out", "--out-link=x", ".#a", "--", "--digestfile"],
        {"--option": 2, "-o": 1},
    )
    assert parsed.options == {"--option": ["k v"], "-o": ["out"], "--out-link": ["x"]}
    assert parsed.positionals == ["build", ".#a"]
    assert parsed.after_dashes == ["--digestfile"]


def test_references_registries_and_digests() -> None:
    pinned = split_reference("ghcr.io/a/b:1@sha256:ab")
    assert (pinned.name, pinned.tag, pinned.digest) == ("ghcr.io/a/b", "1", "sha256:ab")
    reference = split_reference("localhost:5000/a/b:${{ github.ref_name }}")
    assert (reference.name, reference.tag, reference.digest) == (
        "localhost:5000/a/b", "${{ github.ref_name }}", None,
    )
    with_expression = split_reference("${{ env.A == 'x:y' && 'p/q' || 'r' }}/img")
    assert (with_expression.name, with_expression.tag) == (
        "${{ env.A == 'x:y' && 'p/q' || 'r' }}/img", None,
    )
    assert split_reference("docker://quay.io/a/b").name == "quay.io/a/b"
    assert [registry_of(i) for i in ["alpine", "acme/api", "localhost/a", "$IMAGE/x",
                                     "ghcr.io/${{ github.repository }}", "${{ env.R }}/a"]] == [
        "docker.io", "docker.io", "localhost", None, "ghcr.io", None,
    ]
    assert is_digest_reference("x@${{ steps.build.outputs.digest }}")
    assert is_digest_reference("x@${{ needs.push.outputs.image-digest }}")
    assert not is_digest_reference("x@${{ steps.build.outputs.tags }}")
    assert not is_digest_reference("x:latest")


def test_image_names_and_flake_attributes() -> None:
    assert [image_name(r) for r in ["ghcr.io/a/b:1@sha256:ab", "localhost:5000/a", "docker://q.io/a",
                                    "ghcr.io/${{ github.repository }}", "$IMAGE:1", "", None]] == [
        "ghcr.io/a/b", "localhost:5000/a", "q.io/a", None, None, None, None,
    ]
    installables = [".#web", ".#packages.x86_64-linux.web", "path:.#legacyPackages.aarch64-linux.x",
                    '.#"a.b"', ".#", ".", "github:acme/app#web", "https://host/app.git#main", None]
    assert [flake_attr(i) for i in installables] == [
        "web", "web", "x", "a.b", "default", None, None, None, None,
    ]


def test_scope_resolves_only_static_contexts() -> None:
    scope = Scope({"R": "ghcr.io", "IMG": "${{ env.R }}/a"}, {"name": "api"}, {"os": "linux"})
    text = "${{ env.IMG }}/${{ inputs.name }}-${{ matrix.os }}:${{ github.sha }}"
    assert scope.resolve(text) == "ghcr.io/a/api-linux:${{ github.sha }}"
    assert scope.resolve("${{ inputs['name'] }}") == "api"
    assert split_list("a, b\n${{ format('c,d') }}\n\n") == ["a", "b", "${{ format('c,d') }}"]


def test_a_syntax_error_that_hides_a_release_tool_is_located() -> None:
    script = parse_script(
        "case \"$MODE\" in\n"
        "  release) echo go;;\n"
        "echo pushing\n"
        "docker push ghcr.io/acme/app:1\n"
    )
    assert script.syntax_error == 1
    assert script.unread_tools == [(4, "docker")]


def test_a_syntax_error_that_loses_nothing_names_no_tool() -> None:
    """tree-sitter-bash rejects some valid POSIX forms (`for f do`); what it read is complete."""
    script = parse_script("for image do\n  docker push \"$image\"\ndone\n# cosign later\n")
    assert script.syntax_error == 1
    assert (2, "docker") in [(c.line, c.name) for c in script.commands]
    assert script.unread_tools == []


def test_a_script_without_errors_has_none() -> None:
    script = parse_script("docker build -t x .\ndocker push x\n")
    assert script.syntax_error is None and script.unread_tools == []


def test_the_error_line_is_past_the_good_commands_the_parser_wrapped_with_it() -> None:
    script = parse_script(
        "docker push ghcr.io/acme/first:1\n"
        'if [ "$x" = ; then (( ; fi fi }\n'
        "docker push ghcr.io/acme/second:1\n"
    )
    assert script.syntax_error == 2
    assert script.unread_tools == [(3, "docker")]


def test_only_a_tool_as_a_shell_word_counts_and_lines_end_at_newlines() -> None:
    """`docker-compose` and `docker.io` are not docker; `/usr/bin/docker` is, and was read; a
    form feed does not start a line."""
    script = parse_script(
        "for f do\n"
        "  echo \"$f\"\n"
        "done\n"
        "docker-compose up -d\n"
        "/usr/bin/docker push docker.io/acme/app:1\n"
        "echo 'pushed to docker'\f\n"
        "echo \"unclosed\n"
        "cosign sign ghcr.io/acme/app:1\n"
    )
    assert script.syntax_error == 1
    assert script.unread_tools == [(8, "cosign")]
