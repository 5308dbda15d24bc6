#!/usr/bin/env bash
# Builds the real-code precision corpus (issue 12) under ${1:-/work/corpus}: PyPI sdists with
# their tests, npm JavaScript packages, TypeScript packages that ship their .ts sources, and a
# slice of this interpreter's stdlib. Each project is its own git repository committed with an
# old date, because confidence uses the age of the history. Then:
#     python benchmarks/precision_bench.py ${1:-/work/corpus}/*
set -euo pipefail
out=${1:-/work/corpus}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

commit() {
    git -C "$1" init -q
    git -C "$1" add -A
    GIT_AUTHOR_DATE=2022-01-01T00:00:00 GIT_COMMITTER_DATE=2022-01-01T00:00:00 \
        git -C "$1" -c user.name=corpus -c user.email=corpus@example.invalid commit -qm import
}

for spec in attrs==23.2.0 click==8.1.7 requests==2.31.0 packaging==23.2 rich==13.7.0 \
    flask==3.0.0 jinja2==3.1.2 marshmallow==3.20.1 urllib3==2.1.0 werkzeug==3.0.1; do
    name=${spec%%==*}
    [ -d "$out/$name" ] && continue
    # The sdist's file name is the project's spelling (Jinja2-3.1.2.tar.gz): one per folder.
    "$python" -m pip download -q --no-deps --no-binary :all: "$spec" -d "$work/sd/$name" 2>/dev/null
    mkdir -p "$out/$name"
    tar xzf "$work/sd/$name"/*.tar.gz -C "$out/$name" --strip-components=1
    commit "$out/$name"
done

# JavaScript: the published package as is, minus the browser bundle mocha builds from lib/.
# TypeScript, and moment (ES modules under src/): only src/ and the manifests (the published
# .js/.d.ts are build output).
for spec in express@4.18.2 mocha@10.2.0 commander@11.1.0 ws@8.16.0 koa@2.14.2 body-parser@1.20.2 \
    semver@7.5.4 moment@2.29.4 rxjs@7.8.1 mobx@6.12.0 immer@10.0.3 @tanstack/query-core@5.17.0 \
    @trpc/server@10.45.0 effect@2.2.3; do
    package=${spec%@*}
    name=$(echo "${package#@}" | tr / -)
    [ -d "$out/$name" ] && continue
    tarball=$(cd "$work" && npm pack -q "$spec" | tail -1)
    mkdir -p "$out/$name"
    tar xzf "$work/$tarball" -C "$out/$name" --strip-components=1
    case $name in
        mocha) rm -f "$out/$name/mocha.js" "$out/$name/mocha.js.map" ;;
        moment | rxjs | mobx | immer | tanstack-query-core | trpc-server | effect)
            find "$out/$name" -mindepth 1 -maxdepth 1 \
                ! -name src ! -name package.json ! -name tsconfig.json ! -name README.md \
                -exec rm -rf {} + ;;
    esac
    commit "$out/$name"
done

if [ ! -d "$out/stdlib" ]; then
    stdlib=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
    mkdir -p "$out/stdlib"
    for folder in email json http; do
        cp -r "$stdlib/$folder" "$out/stdlib/$folder"
    done
    find "$out/stdlib" -name __pycache__ -prune -exec rm -rf {} +
    commit "$out/stdlib"
fi
