#!/usr/bin/env bash
# Runs every test file under test/ with node's own test runner through tsx.
# Node 20's --test does not expand globs itself, hence the explicit list.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --import ./test/setup.ts --test --test-concurrency="${TEST_CONCURRENCY:-2}" "$@" "${files[@]}"
