#!/usr/bin/env bash
# Makes a development certificate authority and a server certificate signed by it, for
# running assure-server with TLS on a development machine or in tests:
#
#   Scripts/dev-certs.sh DIR [NAME...]
#
# DIR/ca.pem        the CA certificate: give it to clients (assure --ca DIR/ca.pem)
# DIR/ca-key.pem    the CA's key (keep it, or delete it once the server certificate is made)
# DIR/server.pem    the server certificate (for localhost, 127.0.0.1, ::1 and each NAME)
# DIR/server-key.pem  its key: assure-server --tls-cert DIR/server.pem --tls-key DIR/server-key.pem
#
# Keys are EC P-256, certificates last 825 days. Never use these in production: a real
# deployment takes its certificate from the force's or a public CA.
set -euo pipefail
dir=${1:?usage: Scripts/dev-certs.sh DIR [NAME...]}
shift || true
command -v openssl >/dev/null || { echo "openssl is needed (Debian: apt-get install -y openssl)" >&2; exit 1; }
mkdir -p "$dir"
umask 077

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then san="$san,IP:$name"; else san="$san,DNS:$name"; fi
done

openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca-key.pem"
openssl req -x509 -new -key "$dir/ca-key.pem" -sha256 -days 825 -subj "/CN=Assure development CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$dir/ca.pem" 2>/dev/null

openssl ecparam -name prime256v1 -genkey -noout -out "$dir/server-key.pem"
openssl req -new -key "$dir/server-key.pem" -subj "/CN=localhost" -out "$dir/server.csr" 2>/dev/null
cat > "$dir/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san
EXT
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
  -days 825 -sha256 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
rm -f "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
chmod 644 "$dir/ca.pem" "$dir/server.pem"
echo "made $dir/ca.pem and $dir/server.pem ($san)" >&2
