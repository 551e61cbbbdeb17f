#!/usr/bin/env bash
# Set up oitwatch on Debian 12 / Ubuntu 24.04 and show it working:
#   1. Debian packages: Tesseract with its Thai model (scanned documents), Chromium (pages built
#      by JavaScript), a Thai font, python3-venv. Skipped when they are already there.
#   2. A virtual environment in .venv/ (Debian's own Python is "externally managed": pip may
#      not install into it), with oitwatch in it.
#   3. `oitwatch doctor` (what this machine can do) and `oitwatch demo` (a real report of a
#      bundled sample site on 127.0.0.1).
# Safe to run again: each step does only what is missing. Run it as root or as a user with sudo.
#   OITWATCH_EXTRAS=test   also install the test tools (the README's second command does this)
#   OITWATCH_SKIP_DEMO=1   stop after doctor
set -euo pipefail
cd "$(dirname "$0")/.."
project="$(pwd)"

say() { if [ -t 2 ]; then printf '\033[1m[oitwatch install]\033[0m %s\n' "$*" >&2; else printf '[oitwatch install] %s\n' "$*" >&2; fi; }

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1; then
  as_root() { sudo "$@"; }
else
  say "need root or sudo to install Debian packages; run: su -c '$0'"
  exit 2
fi
# Under sudo, the virtual environment belongs to the person who asked, not to root.
if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "${SUDO_USER}" != root ]; then
  as_user() { sudo -u "$SUDO_USER" -H "$@"; }
else
  as_user() { "$@"; }
fi

# 1. Debian packages ---------------------------------------------------------------------
packages="tesseract-ocr tesseract-ocr-tha fonts-tlwg-garuda-ttf python3-venv chromium"
missing=""
for package in $packages; do
  dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
  say "installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  # Chromium is optional: without it, only pages built by JavaScript are lost (doctor says so).
  # Ubuntu ships it as a snap behind a transitional package that containers cannot run.
  wanted="${missing/chromium/}"
  as_root apt-get install -y -q --no-install-recommends $wanted
  if [[ "$missing" == *chromium* ]]; then
    as_root apt-get install -y -q --no-install-recommends chromium \
      || say "chromium could not be installed; JavaScript-built pages will not be read"
  fi
else
  say "Debian packages already installed"
fi

# 2. The virtual environment and the package ----------------------------------------------
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "oitwatch needs Python 3.11 or newer; found $("$python" --version 2>&1)"
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv/"
  as_user "$python" -m venv .venv
fi
extras="${OITWATCH_EXTRAS:+[$OITWATCH_EXTRAS]}"
say "installing oitwatch into .venv/ (pip may take a minute the first time)"
as_user .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"

# Put `oitwatch` on PATH where that needs no root: a ~/.local/bin that is already on PATH.
home="$(as_user sh -c 'echo $HOME')"
if [[ ":$PATH:" == *":$home/.local/bin:"* ]] && [ -d "$home/.local/bin" ]; then
  as_user ln -sf "$project/.venv/bin/oitwatch" "$home/.local/bin/oitwatch"
  say "oitwatch is on your PATH ($home/.local/bin/oitwatch)"
else
  say "to type just 'oitwatch': export PATH=\"$project/.venv/bin:\$PATH\" (or use $project/.venv/bin/oitwatch)"
fi

# 3. What this machine can do, then a real report ----------------------------------------
as_user .venv/bin/oitwatch doctor || say "some capabilities are missing (see above): checks still run, with weaker verdicts"
if [ -z "${OITWATCH_SKIP_DEMO:-}" ]; then
  say "checking the bundled demo site (a sample agency website on 127.0.0.1)"
  as_user .venv/bin/oitwatch demo
  say "done. Check a real site: .venv/bin/oitwatch check https://www.example.go.th"
fi
