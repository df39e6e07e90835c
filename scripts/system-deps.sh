#!/usr/bin/env bash
# Debian packages the build needs: Pango (WeasyPrint's text layout) and fonts (DejaVu, with its condensed face
# for dense tables and the bibliography; WenQuanYi Micro Hei
# for the Japanese, Chinese and Korean titles and quotes the sources carry).
# `--test` adds what the test suite needs: Chromium (real-browser tests) and
# poppler-utils (pdftotext, pdfinfo, pdftoppm). Installs with apt-get as root;
# otherwise prints the command to run and carries on (the build then says what is missing).
set -u
want=(libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra fonts-wqy-microhei)
if [ "${1:-}" = "--test" ]; then want+=(chromium poppler-utils); fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu machine; please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "system-deps: install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "system-deps: apt-get could not install ${missing[*]}" >&2; exit 1; }
