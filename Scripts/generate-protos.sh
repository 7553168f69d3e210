#!/usr/bin/env bash
# Regenerates Sources/RPC/Generated/ from Protos/ with the system protoc (Debian's
# protobuf-compiler) and the swift-protobuf / grpc-swift-protobuf plugins, built from
# Tools/protoc-plugins at the exact versions the package depends on.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Sources/RPC/Generated"
plugins="$root/Tools/protoc-plugins"

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }

swift build --package-path "$plugins" -c release --product protoc-gen-swift >&2
swift build --package-path "$plugins" -c release --product protoc-gen-grpc-swift-2 >&2
bin=$(swift build --package-path "$plugins" -c release --show-bin-path)

# Protobuf's well-known types (google/protobuf/*.proto) come with protoc.
include=/usr/include
[ -f "$include/google/protobuf/timestamp.proto" ] || { echo "google/protobuf/timestamp.proto not found under $include" >&2; exit 1; }

cd "$root/Protos"
protos=$(find . -name '*.proto' | sed 's|^\./||' | LC_ALL=C sort)

find "$out" -name '*.swift' -delete
protoc -I . -I "$include" \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --swift_out="$out" \
  --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --grpc-swift-2_out="$out" \
  --grpc-swift-2_opt=Visibility=Public,FileNaming=PathToUnderscores,Server=true,Client=true \
  $protos

echo "generated $(find "$out" -name '*.swift' | wc -l) files in Sources/RPC/Generated" >&2
