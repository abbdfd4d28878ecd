#!/bin/sh
# run-cli-test.sh SCRIPT: runs one command-line test script with the built
# programs first on PATH and its own temporary directory, removed afterwards.
set -eu
script=$1
ATTLS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/attls-cli.XXXXXX")
export ATTLS_TMP
trap 'rm -rf "$ATTLS_TMP"' EXIT INT TERM
PATH="$ATTLS_BIN:${ATTLS_BUILD:-.}/src/daemon:${ATTLS_BUILD:-.}/tests/tools:$PATH"
export PATH
sh "$script"
