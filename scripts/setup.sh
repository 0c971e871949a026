#!/usr/bin/env bash
# Installs what is missing, idempotently and quickly when nothing is: Debian packages (as root, else says what to
# install), npm dependencies (Node 24 comes with them), and the viewer bundle.
#   scripts/setup.sh run    what the service needs
#   scripts/setup.sh test   plus what the tests need (Chromium, swaks, Dovecot)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

missing=()
has_cmd() { command -v "$1" >/dev/null 2>&1; }
has_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
want_pkg() { has_pkg "$1" || missing+=("$1"); }

if ! has_cmd npm; then missing+=(nodejs npm); fi
want_pkg libreoffice-writer-nogui
want_pkg libreoffice-impress-nogui
want_pkg fonts-liberation2
want_pkg fonts-crosextra-carlito
want_pkg fonts-crosextra-caladea
want_pkg python3-uno
want_pkg qpdf
want_pkg poppler-utils
if [ "$mode" = test ]; then want_pkg chromium; want_pkg swaks; want_pkg python3; want_pkg dovecot-imapd; fi
# The scale-out tests (several instances, the conversion queue) use a real Redis on 127.0.0.1:6379.
if [ "$mode" = test ]; then want_pkg redis-server; fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && has_cmd apt-get; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The IMAP tests start their own Dovecot on a random loopback port (tests/helpers/dovecot.ts): the package's
    # service, when the install just brought it, must not hold port 143.
    if [[ " ${missing[*]} " == *" dovecot-imapd "* ]]; then
      if has_cmd systemctl && [ -d /run/systemd/system ]; then
        systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
      elif has_cmd service; then
        service dovecot stop >/dev/null 2>&1 || true
      fi
    fi
  else
    echo "setup: Pagetrail needs these Debian packages: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "$mode" = test ] && has_cmd redis-server && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "setup: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

# npm dependencies, only when package files changed since the last install.
stamp=node_modules/.pagetrail-install
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm dependencies"
  # `npm install` rather than `npm ci`: it honours the lock file and tolerates optional platform packages the
  # registry does not carry (npm ci refuses a lock file without them).
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

npm run --silent build

# The PostgreSQL tests use the local server (127.0.0.1:5432, user postgres): start it when it is installed but down.
if [ "$mode" = test ] && has_cmd pg_isready && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "$(id -u)" = 0 ] && has_cmd pg_ctlcluster && [ -d /etc/postgresql ]; then
    echo "setup: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  else
    echo "setup: the PostgreSQL tests need a server on 127.0.0.1:5432 (user postgres, trust auth)" >&2
  fi
fi
