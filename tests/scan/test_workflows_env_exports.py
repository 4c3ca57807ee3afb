"""Variables a step writes to `$GITHUB_ENV` for the job's later steps, in each way it is done."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, workflow
from wizard.scan.shell import parse_script

WF = ".github/workflows/release.yml"


def _pushed_images(make_repo: RepoFactory, export: str) -> list[str | None]:
    """The images `docker push $A:1`, `$B` and `$C` name after a step running `export`."""
    indented = "".join(f"          {line}\n" for line in export.splitlines())
    repo = make_repo(
        {
            WF: workflow(
                "jobs:\n"
                "  publish:\n"
                "    runs-on: ubuntu-latest\n"
                "    env:\n"
                "      OWNER: acme\n"
                "    steps:\n"
                "      - run: |\n"
                f"{indented}"
                "      - run: |\n"
                "          docker push $A:1\n"
                "          docker push $B:1\n"
                "          docker push $C:1\n"
            ),
        }
    )
    result, _ = scan(repo)
    return [p.image_resolved or p.image for p in result.publications]


def test_echo_exports_as_before(make_repo: RepoFactory) -> None:
    assert _pushed_images(make_repo, 'echo "A=ghcr.io/$OWNER/a" >> "$GITHUB_ENV"') == [
        "ghcr.io/acme/a", "$B", "$C",
    ]


def test_printf_exports_with_its_format_reused_for_every_argument(make_repo: RepoFactory) -> None:
    export = (
        "printf 'A=%s\\n' ghcr.io/$OWNER/a >> $GITHUB_ENV\n"
        "printf '%s=%s\\n' B ghcr.io/acme/b C ghcr.io/acme/c >> $GITHUB_ENV\n"
    )
    assert _pushed_images(make_repo, export) == [
        "ghcr.io/acme/a", "ghcr.io/acme/b", "ghcr.io/acme/c",
    ]


def test_printf_with_other_conversions_exports_nothing(make_repo: RepoFactory) -> None:
    export = "printf 'A=ghcr.io/acme/a%d\\n' 1 >> $GITHUB_ENV\nprintf -v B '%s' x\n"
    assert _pushed_images(make_repo, export) == ["$A", "$B", "$C"]


def test_a_here_document_exports_every_line_and_skips_multiline_values(
    make_repo: RepoFactory,
) -> None:
    export = (
        'cat >> "$GITHUB_ENV" <<EOF\n'
        "A=ghcr.io/$OWNER/a\n"
        "NOTES<<DELIMITER\n"
        "B=not a variable, part of NOTES\n"
        "DELIMITER\n"
        "B=ghcr.io/acme/b\n"
        "EOF\n"
    )
    assert _pushed_images(make_repo, export) == ["ghcr.io/acme/a", "ghcr.io/acme/b", "$C"]


def test_a_quoted_here_document_delimiter_leaves_shell_variables_unexpanded(
    make_repo: RepoFactory,
) -> None:
    """`<<'EOF'`: `$NAME` reaches `$GITHUB_ENV` as written, not as this script set it; GitHub's
    `${{ }}` is substituted before any shell runs, so it still is."""
    export = (
        "NAME=local\n"
        "cat <<'EOF' >> $GITHUB_ENV\n"
        "A=ghcr.io/acme/$NAME\n"
        "B=ghcr.io/${{ env.OWNER }}/b\n"
        "EOF\n"
        "cat <<EOF >> $GITHUB_ENV\n"
        "C=ghcr.io/acme/$NAME\n"
        "EOF\n"
    )
    assert _pushed_images(make_repo, export) == [
        "ghcr.io/acme/$NAME", "ghcr.io/acme/b", "ghcr.io/acme/local",
    ]


def test_echo_and_printf_piped_into_tee(make_repo: RepoFactory) -> None:
    export = (
        'echo "A=ghcr.io/acme/a" | tee -a "$GITHUB_ENV"\n'
        "printf 'B=%s\\n' ghcr.io/acme/b | tee -a $GITHUB_ENV >/dev/null\n"
        "echo C=ghcr.io/acme/c | tee -a other.env\n"
    )
    assert _pushed_images(make_repo, export) == ["ghcr.io/acme/a", "ghcr.io/acme/b", "$C"]


def test_a_grouped_redirect_exports_each_echo(make_repo: RepoFactory) -> None:
    export = '{\n  echo "A=ghcr.io/acme/a"\n  echo "B=ghcr.io/acme/b"\n} >> "$GITHUB_ENV"\n'
    assert _pushed_images(make_repo, export) == ["ghcr.io/acme/a", "ghcr.io/acme/b", "$C"]


def test_the_shell_reader_keeps_here_documents_and_whether_they_expand() -> None:
    script = parse_script(
        "cat <<EOF > out\nA=$X\nEOF\ncat <<'END'\nB=$Y\nEND\ncat <<\"Q\" >> $GITHUB_ENV\nC\nQ\n"
    )
    found = [(c.line, c.heredoc, c.heredoc_expands, c.stdout) for c in script.commands]
    assert found == [
        (1, "A=$X\n", True, "out"),
        (4, "B=$Y\n", False, None),
        (7, "C\n", False, "$GITHUB_ENV"),
    ]


def test_a_backslashed_delimiter_echo_e_and_tee_with_a_here_document(
    make_repo: RepoFactory,
) -> None:
    export = (
        "REG=ghcr.io/local\n"
        "cat <<\\EOF >> $GITHUB_ENV\n"
        "A=$REG/a\n"
        "EOF\n"
        'echo -e "B=ghcr.io/acme/b\\nX=1" >> $GITHUB_ENV\n'
        'tee -a "$GITHUB_ENV" <<EOF\n'
        "C=ghcr.io/acme/c\n"
        "EOF\n"
    )
    assert _pushed_images(make_repo, export) == ["$REG/a", "ghcr.io/acme/b", "ghcr.io/acme/c"]


def test_a_here_document_piped_into_tee(make_repo: RepoFactory) -> None:
    """The bash grammar nests `| tee …` inside the here-document; the pipe still links them."""
    export = 'cat <<EOF | tee -a "$GITHUB_ENV"\nA=ghcr.io/acme/a\nB=ghcr.io/acme/b\nEOF\n'
    assert _pushed_images(make_repo, export) == ["ghcr.io/acme/a", "ghcr.io/acme/b", "$C"]


def test_what_follows_a_here_document_on_its_line_is_not_redirected(
    make_repo: RepoFactory,
) -> None:
    export = (
        'echo "A=ghcr.io/acme/real" >> "$GITHUB_ENV"\n'
        'cat <<EOF >> "$GITHUB_ENV" && echo "A=ghcr.io/acme/logged-only"\n'
        "BUILD_DATE=today\n"
        "EOF\n"
    )
    assert _pushed_images(make_repo, export) == ["ghcr.io/acme/real", "$B", "$C"]

