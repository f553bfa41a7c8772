#!/usr/bin/env bash
# Installs everything the test suite needs (the package, test tools, Chromium, axe-core), then runs
# the linters and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

if [ ! -x /usr/bin/chromium ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver fonts-dejavu-core >/dev/null
fi

# axe-core for the accessibility checks; no browser is downloaded (Debian's Chromium is used).
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --silent

python3 -m ruff check .
python3 -m mypy
python3 -m pytest "$@"
