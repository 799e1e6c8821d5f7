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

install_browser() {
    # The end-to-end tests drive Debian's Chromium through Playwright (never a downloaded
    # browser); a CJK font lets the Chinese pages render in screenshots.
    if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq || true
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver \
            fonts-wqy-zenhei >/dev/null
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
        # Migrate, seed the synthetic national data set when the database is empty, and
        # serve the web application on http://127.0.0.1:8000 (demo accounts printed).
        # Data go to ./homeward.sqlite3 unless HOMEWARD_DATABASE_URL says otherwise; the
        # profile key and the session secret are created in ./homeward-data/.
        install_python
        shift
        "$VENV/bin/homeward" db upgrade
        "$VENV/bin/homeward" demo seed
        "$VENV/bin/homeward" status
        # A geo-alert that widens every minute, the alert worker and a local webhook
        # receiver (a partner app) beside the web app; private webhook addresses are
        # allowed in the demo only (they are refused in production settings).
        export HOMEWARD_ALERT_ALLOW_PRIVATE_WEBHOOKS=1
        "$VENV/bin/homeward" demo alert --receiver-url http://127.0.0.1:8025
        "$VENV/bin/homeward" demo webhook-receiver --port 8025 &
        local_pids=$!
        "$VENV/bin/homeward" worker &
        local_pids="$local_pids $!"
        trap 'kill $local_pids 2>/dev/null || true' EXIT
        "$VENV/bin/homeward" serve --show-demo-accounts "$@"
        ;;
    test)
        install_python
        install_browser
        start_postgres
        shift
        exec "$VENV/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./run.sh demo | ./run.sh test [pytest options]" >&2
        exit 2
        ;;
esac
