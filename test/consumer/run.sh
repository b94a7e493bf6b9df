#!/usr/bin/env bash
# Proves the package works outside this repository, as a user gets it: packs it
# with plain `npm pack`, installs the tarball into this app copied to a temporary
# directory, then typechecks (strict options), synthesizes, lints the templates
# and runs the app's jest suite (handlers, stacks, flows in the local runtime).
# Usage: bash test/consumer/run.sh   (KEEP=1 keeps the temporary directory)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-ensemble-consumer.XXXXXX")
case "$work/" in "$repo"/*) echo "the temporary directory $work is inside the repository" >&2; exit 1 ;; esac
[ "${KEEP:-}" = 1 ] && echo "keeping $work" || trap 'rm -rf "$work"' EXIT
started=$(date +%s)
step() { printf -- '--- %s (%ss)\n' "$*" "$(($(date +%s) - started))"; }

step "npm pack"
tarball=$(cd "$repo" && npm pack --pack-destination "$work" --silent | tail -n 1)
tgz="$work/$tarball"
echo "$tarball: $(stat -c %s "$tgz") bytes, $(tar tzf "$tgz" | grep -vc '/$') files"

step "install the tarball and the app's own dependencies"
mkdir "$work/app"
(cd "$repo/test/consumer" && tar cf - --exclude=node_modules --exclude=cdk.out --exclude=run.sh .) | (cd "$work/app" && tar xf -)
cd "$work/app"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tgz"

step "plain node requires the package and its handler runtime"
node -e "require('cdk-ensemble'); require('cdk-ensemble/lambda/runtime'); require('cdk-ensemble/package.json')"
npx --no-install cdk-ensemble --help > /dev/null

step "typecheck (strict, exactOptionalPropertyTypes, verbatimModuleSyntax, noPropertyAccessFromIndexSignature)"
npx --no-install tsc --noEmit
# The handlers again with skipLibCheck off: the runtime's declarations compile under these options too.
npx --no-install tsc --noEmit -p tsconfig.handlers.json

step "cdk synth (bundling and CDK's template validator on)"
npx --no-install cdk synth --quiet

step "cfn-lint (W3005 is stock CDK noise)"
cfn-lint --ignore-checks W3005 -- cdk.out/*.template.json

step "jest"
npx --no-install jest --ci

step "consumer check passed"
