#!/usr/bin/env bash
# What `npm test` needs besides node_modules, from Debian's packages only, so that the README's
# `npm test` passes on a fresh machine (and `.ci/run` runs exactly this, not a copy of it):
#   sqlite3  the CLI tests edit the audit log with the sqlite3 shell, as an operator would;
#   curl, jq the examples of docs/api.md, which test/docs-examples.test.ts runs;
#   chromium the browser tests (test/web) drive Debian's Chromium with playwright-core, at
#            $XY_CHROMIUM or /usr/bin/chromium (nothing is ever downloaded at run time);
#   fonts-wqy-microhei  a CJK font for the Chinese pages (WenQuanYi or Noto Sans CJK will do).
# Run as root, it installs the missing packages with apt-get; otherwise it stops, before any test
# runs, with the one command to run. It prints nothing when everything is there.
# XY_APT_GET names the apt-get to run (default apt-get).
set -euo pipefail

chromium_path="${XY_CHROMIUM:-/usr/bin/chromium}"
apt_get="${XY_APT_GET:-apt-get}"

missing_packages() {
  local missing=""
  for tool in sqlite3 curl jq; do command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"; done
  [ -x "$chromium_path" ] || missing="$missing chromium"
  fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk' || missing="$missing fonts-wqy-microhei"
  echo "${missing# }"
}

missing=$(missing_packages)
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  {
    echo "npm test needs Debian packages that are not installed: $missing"
    echo "(sqlite3, curl and jq for the CLI and API examples, Debian's Chromium for the browser tests, a CJK font for the Chinese pages)."
    echo "Install them with this one command, then run npm test again:"
    echo
    echo "  sudo sh -c 'apt-get update && apt-get install -y $missing'"
    echo
  } >&2
  [ "$chromium_path" != /usr/bin/chromium ] && echo "(Chromium is looked for at XY_CHROMIUM=$chromium_path; unset it to use Debian's /usr/bin/chromium.)" >&2
  exit 1
fi

echo "== installing $missing (Debian packages, for npm test)"
"$apt_get" update -qq
DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq $missing >/dev/null

still=$(missing_packages)
if [ -n "$still" ]; then
  echo "apt-get installed $missing, but npm test still misses: $still" >&2
  [ "$chromium_path" != /usr/bin/chromium ] && echo "(there is no Chromium at XY_CHROMIUM=$chromium_path; unset it to use Debian's /usr/bin/chromium)" >&2
  exit 1
fi
