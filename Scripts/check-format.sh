#!/usr/bin/env bash
# Fails when a Swift file (generated code aside) is not as swift-format writes it, with the
# project's configuration (.swift-format). Fix with:
#   find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | xargs -0 swift format format -i
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
find Sources Tests -name '*.swift' -not -path '*/Generated/*' -print0 | xargs -0 swift format lint --strict --parallel
echo "every Swift file is formatted (swift-format, .swift-format)"
