#!/bin/sh
# Certificates for mutual TLS between Temporal and its clients (docker-compose.yml).
#
#   sh deploy/make-certs.sh [DIR]      # default: deploy/certs
#
# Makes a private CA and, signed by it:
#   server.pem / server.key   the Temporal frontend (names: temporal, localhost)
#   poflow.pem / poflow.key   the workers and the API
#   ui.pem / ui.key           the Temporal Web UI
#   admin.pem / admin.key     the one-shot admin jobs and an operator's `temporal` CLI
# The server accepts a client only with a certificate this CA signed
# (TEMPORAL_TLS_REQUIRE_CLIENT_AUTH): nothing else on the network can start,
# signal or read a workflow. Keep ca.key offline once the certificates are made;
# re-run with a new DIR to rotate, then swap the mounted directory.
set -eu

DIR=${1:-deploy/certs}
DAYS=${CERT_DAYS:-825}
mkdir -p "$DIR"
cd "$DIR"

if [ -e ca.pem ]; then
  echo "$DIR already holds a CA: use another directory to rotate" >&2
  exit 1
fi

openssl req -x509 -newkey rsa:3072 -nodes -days "$DAYS" -subj "/CN=poflow temporal CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# issue NAME CN EXTENDED-KEY-USAGE [SUBJECT-ALT-NAMES]
issue() {
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$3"
    if [ -n "${4:-}" ]; then echo "subjectAltName=$4"; fi
  } > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$DAYS" \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

# serverAuth for clients; clientAuth too: the server's services call each other (internode TLS).
issue server temporal serverAuth,clientAuth "DNS:temporal,DNS:localhost,IP:127.0.0.1"
issue poflow poflow clientAuth
issue ui temporal-ui clientAuth
issue admin temporal-admin clientAuth
rm -f ca.srl

# The containers run as other users (temporal 1000, poflow 10001): the files
# are readable by them through the read-only mount; the directory is not
# world-listable on the host.
chmod 0644 ./*.pem ./*.key
chmod 0600 ca.key
chmod 0750 .
echo "certificates in $DIR: ca.pem, server, poflow, ui, admin (.pem/.key)"
