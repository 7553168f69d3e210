#!/usr/bin/env bash
# Fails when the committed Sources/RPC/Generated/ differs from what Protos/ generates.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/Scripts/generate-protos.sh"
cd "$root"
if ! git diff --exit-code -- Sources/RPC/Generated; then
  echo "Sources/RPC/Generated is stale: run Scripts/generate-protos.sh and commit the result." >&2
  exit 1
fi
untracked=$(git ls-files --others --exclude-standard -- Sources/RPC/Generated)
if [ -n "$untracked" ]; then
  echo "Untracked generated files: $untracked" >&2
  exit 1
fi
echo "Generated code is up to date."
