#!/usr/bin/env bash
# Homeward's two commands: ./run.sh demo (see it work) and ./run.sh test (the whole suite).
# Both install everything into .venv first; nothing needs to be installed by hand.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

install_python() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e ".[test]"
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}

start_postgres() {
    # The registry tests run on PostgreSQL too; start the local server if it is installed
    # but stopped. A test that needs it fails (never skips) when it stays unreachable.
    if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
        if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start \
                || true
        fi
    fi
}

case "${1:-}" in
    demo)
        # Until the web application exists, the demo runs the newest main jobs: the
        # registry (migrate, seed the national data set, status, DNA gaps) and the
        # kinship search demo. Data go to ./homeward.sqlite3 unless HOMEWARD_DATABASE_URL
        # says otherwise; the profile key is created in ./homeward-data/.
        install_python
        shift
        "$VENV/bin/homeward" db upgrade
        "$VENV/bin/homeward" demo seed "$@"
        "$VENV/bin/homeward" status
        "$VENV/bin/homeward" dna-gaps --limit 10
        "$VENV/bin/homeward" audit verify
        exec "$VENV/bin/homeward" demo kinship
        ;;
    test)
        install_python
        start_postgres
        shift
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./run.sh demo | ./run.sh test [pytest options]" >&2
        exit 2
        ;;
esac
