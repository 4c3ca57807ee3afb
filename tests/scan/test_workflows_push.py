"""Which steps publish an image, and the image, tags, build source and push condition of each."""

from __future__ import annotations

from tests.conftest import RepoFactory
from tests.scan.workflow_support import scan, single, workflow
from wizard.facts import BuildSource

WF = ".github/workflows/ci.yml"


def test_conditional_push_comes_from_the_step_if_then_the_job_if(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  publish:
    if: github.repository_owner == 'acme'
    runs-on: ubuntu-latest
    steps:
      - run: docker build -t ghcr.io/acme/api:1.0 .
      - if: github.ref == 'refs/heads/main'
        run: docker push ghcr.io/acme/api:1.0
      - run: docker push ghcr.io/acme/api:latest
"""
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    first, second = result.publications
    assert (first.line, first.push) == (10, "github.ref == 'refs/heads/main'")
    assert (second.line, second.push) == (11, "github.repository_owner == 'acme'")
    assert first.image == "ghcr.io/acme/api"
    assert first.tags == ["1.0"]
    assert first.build_source == BuildSource("dockerfile", "Dockerfile")
    assert first.buildx is False
    assert first.digest_output is False


def test_build_push_action_without_push_or_with_false_push_is_not_published(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          tags: ghcr.io/acme/api:pr
      - uses: docker/build-push-action@v6
        with:
          push: false
          tags: ghcr.io/acme/api:pr
      - uses: docker/build-push-action@v6
        if: false
        with:
          push: true
          tags: ghcr.io/acme/api:pr
      - uses: docker/build-push-action@v6
        with:
          push: ${{ false }}
          tags: ghcr.io/acme/api:pr
      - run: |
          docker build -t api .
          docker save api -o api.tar
          docker pull ghcr.io/acme/base:1
      - uses: actions/upload-artifact@v4
        with:
          name: image
          path: api.tar
"""
            )
        }
    )
    result, problems = scan(repo)
    assert result.publications == []
    assert problems == []


def test_build_push_outputs_registry_and_file_input(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: ./services/api
          file: ./services/api/Containerfile
          outputs: type=image,name=quay.io/acme/api,push=true
          provenance: mode=max
          sbom: true
"""
            )
        }
    )
    result, _ = scan(repo)
    publication = single(result)
    assert publication.image == "quay.io/acme/api"
    assert publication.registry == "quay.io"
    assert publication.push is True
    assert publication.build_source == BuildSource("dockerfile", "services/api/Containerfile")
    assert publication.provenance is not None
    assert (publication.provenance.kind, publication.provenance.line) == ("buildx-provenance", 7)


def test_build_push_context_default_and_two_registries(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: |
            ghcr.io/acme/api:latest
            acme/api:latest,acme/api:${{ github.sha }}
"""
            )
        }
    )
    result, _ = scan(repo)
    images = [(p.image, p.registry, p.tags, p.build_source.ref) for p in result.publications]
    assert images == [
        ("ghcr.io/acme/api", "ghcr.io", ["latest"], "Dockerfile"),
        ("acme/api", "docker.io", ["latest", "${{ github.sha }}"], "Dockerfile"),
    ]


def test_metadata_action_default_tags_when_it_has_no_tag_rules(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: docker_meta
        uses: docker/metadata-action@v5
        with:
          images: |
            name=ghcr.io/acme/api
            name=docker.io/acme/api,enable=false
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ${{ steps.docker_meta.outputs.tags }}
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert publication.image == "ghcr.io/acme/api"
    assert publication.tags == [
        "type=schedule",
        "type=ref,event=branch",
        "type=ref,event=tag",
        "type=ref,event=pr",
    ]


def test_matrix_over_two_images_gives_one_publication_each(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """env:
  REGISTRY: ghcr.io/acme
jobs:
  images:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        image: [api, worker]
        include:
          - image: api
            dockerfile: api/Dockerfile
          - image: worker
            dockerfile: worker/Dockerfile
    steps:
      - uses: docker/build-push-action@v6
        with:
          file: ${{ matrix.dockerfile }}
          push: true
          tags: ${{ env.REGISTRY }}/${{ matrix.image }}:latest
"""
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [
        (p.image, p.image_resolved, p.registry, p.build_source.ref, p.tags, p.line)
        for p in result.publications
    ]
    written = "${{ env.REGISTRY }}/${{ matrix.image }}"
    assert found == [
        (written, "ghcr.io/acme/api", "ghcr.io", "api/Dockerfile", ["latest"], 17),
        (written, "ghcr.io/acme/worker", "ghcr.io", "worker/Dockerfile", ["latest"], 17),
    ]


def test_matrix_computed_at_run_time_stays_unresolved(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  images:
    runs-on: ubuntu-latest
    strategy:
      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}
    steps:
      - run: docker push "ghcr.io/acme/${{ matrix.image }}"
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert publication.image == "ghcr.io/acme/${{ matrix.image }}"
    assert publication.image_resolved is None
    assert publication.registry == "ghcr.io"


def test_cli_pushes_podman_skopeo_crane_buildx(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: |
          IMAGE=registry.example.com/acme/api
          docker buildx build --platform linux/amd64 -f docker/api.Dockerfile \\
            -t "$IMAGE:${GITHUB_SHA}" --push --metadata-file meta.json .
          podman push localhost/api docker://quay.io/acme/api:1
          skopeo copy --digestfile d docker-archive:api.tar docker://docker.io/acme/api:2
          crane copy ghcr.io/acme/api:1 ghcr.io/acme/api:stable
          docker buildx build --output type=registry -t ghcr.io/acme/out:1 ctx
"""
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [
        (p.line, p.image, p.image_resolved, p.registry, p.tags, p.build_source.ref, p.buildx,
         p.digest_output)
        for p in result.publications
    ]
    assert found == [
        (9, "$IMAGE", "registry.example.com/acme/api", "registry.example.com", ["${GITHUB_SHA}"],
         "docker/api.Dockerfile", True, True),
        (11, "quay.io/acme/api", None, "quay.io", ["1"], "docker/api.Dockerfile", True, False),
        (12, "docker.io/acme/api", None, "docker.io", ["2"], None, True, True),
        (13, "ghcr.io/acme/api", None, "ghcr.io", ["stable"], None, True, True),
        (14, "ghcr.io/acme/out", None, "ghcr.io", ["1"], "ctx/Dockerfile", True, False),
    ]


def test_docker_push_takes_the_dockerfile_of_the_build_that_tagged_it(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  push:
    runs-on: ubuntu-latest
    defaults:
      run:
        working-directory: app
    steps:
      - run: |
          docker build -f build/web.Dockerfile -t web .
          docker build -t worker worker
          docker tag web ghcr.io/acme/web:1
          docker push ghcr.io/acme/web:1
          docker tag worker ghcr.io/acme/worker:1
          docker push ghcr.io/acme/worker:1
"""
            )
        }
    )
    result, _ = scan(repo)
    sources = [(p.image, p.build_source.ref) for p in result.publications]
    assert sources == [
        ("ghcr.io/acme/web", "app/build/web.Dockerfile"),
        ("ghcr.io/acme/worker", "app/worker/Dockerfile"),
    ]


def test_a_shell_variable_reassigned_later_resolves_to_its_value_at_the_push(
    make_repo: RepoFactory,
) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  push:
    runs-on: ubuntu-latest
    env:
      OWNER: acme
    steps:
      - run: |
          NAME=ghcr.io/${OWNER}/one
          docker push $NAME
          NAME=ghcr.io/$OWNER/two
          docker push "${NAME}:v1" || true
          NAME=$(cat image.txt)
          docker push $NAME
"""
            )
        }
    )
    result, _ = scan(repo)
    resolved = [(p.image, p.image_resolved, p.registry) for p in result.publications]
    assert resolved == [
        ("$NAME", "ghcr.io/acme/one", "ghcr.io"),
        ("${NAME}", "ghcr.io/acme/two", "ghcr.io"),
        ("$NAME", None, None),
    ]


def test_pwsh_and_python_steps_are_not_read_as_shell(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  win:
    runs-on: windows-latest
    steps:
      - run: docker push ghcr.io/acme/win:1
  py:
    runs-on: ubuntu-latest
    defaults:
      run:
        shell: python
    steps:
      - run: print("docker push ghcr.io/acme/py:1")
      - shell: bash
        run: docker push ghcr.io/acme/bash:1
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert (publication.job, publication.image) == ("py", "ghcr.io/acme/bash")


def test_heredocs_and_comments_are_not_commands(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  docs:
    runs-on: ubuntu-latest
    steps:
      - run: |
          # docker push ghcr.io/acme/comment:1
          cat > HOWTO.md <<'EOF'
          docker push ghcr.io/acme/heredoc:1
          EOF
          echo "docker push ghcr.io/acme/echo:1"
"""
            )
        }
    )
    assert scan(repo)[0].publications == []


def test_build_push_load_then_docker_push_keeps_the_dockerfile(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: web
          load: true
          tags: ghcr.io/acme/web:${{ github.sha }}
      - run: docker push ghcr.io/acme/web:${{ github.sha }}
"""
            )
        }
    )
    publication = single(scan(repo)[0])
    assert (publication.line, publication.image) == (12, "ghcr.io/acme/web")
    assert publication.build_source == BuildSource("dockerfile", "web/Dockerfile")
    assert publication.tags == ["${{ github.sha }}"]
    assert publication.buildx is True
    assert publication.digest_output is False


def test_matrix_of_a_reusable_workflow_caller(make_repo: RepoFactory) -> None:
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  images:
    strategy:
      matrix:
        name: [api, worker]
        exclude:
          - name: worker
        include:
          - name: cron
    uses: ./.github/workflows/image.yml
    with:
      image: ghcr.io/acme/${{ matrix.name }}
"""
            ),
            ".github/workflows/image.yml": """on:
  workflow_call:
    inputs:
      image: {type: string}
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - run: docker push "${{ inputs.image }}:latest"
""",
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [(p.job, p.image, p.image_resolved, p.via) for p in result.publications]
    assert found == [
        ("images/push", "${{ inputs.image }}", "ghcr.io/acme/api", ".github/workflows/image.yml"),
        ("images/push", "${{ inputs.image }}", "ghcr.io/acme/cron", ".github/workflows/image.yml"),
    ]


def test_buildx_attestations_read_alike_from_the_action_and_the_cli(
    make_repo: RepoFactory,
) -> None:
    # buildx reads `--provenance=0` as off (strconv.ParseBool), whichever way it is written.
    repo = make_repo(
        {
            WF: workflow(
                """jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/off:1
          provenance: "0"
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/sbom:1
          provenance: false
          attests: type=sbom
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/both:1
          sbom: true
          attests: |
            type=provenance,mode=max
      - run: |
          docker buildx build --push --provenance=0 -t ghcr.io/acme/cli-off:1 .
          docker buildx build --push --provenance=false --attest type=sbom -t ghcr.io/acme/cli-sbom:1 .
          docker buildx build --push --sbom=true --provenance=mode=max -t ghcr.io/acme/cli-both:1 .
"""
            )
        }
    )
    result, problems = scan(repo)
    assert problems == []
    found = [(p.image, p.provenance and p.provenance.kind) for p in result.publications]
    assert found == [
        ("ghcr.io/acme/off", None),
        ("ghcr.io/acme/sbom", "sbom"),
        ("ghcr.io/acme/both", "buildx-provenance"),
        ("ghcr.io/acme/cli-off", None),
        ("ghcr.io/acme/cli-sbom", "sbom"),
        ("ghcr.io/acme/cli-both", "buildx-provenance"),
    ]
