#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Cyclops needs, only those missing.
# As root it runs apt-get; otherwise it prints the exact command to run.
set -euo pipefail
PACKAGES=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra   # OCR engine with English and French data
  fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-noto-core fonts-freefont-ttf  # every family in cyclops/synth/fonts.py
  poppler-utils                                        # PDF pages to PNG in tests and for analysts' PDFs
  chromium                                             # the real browser the dashboard tests drive
  libatomic1                                           # needed by the node binary inside the playwright wheel
  python3-venv
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "installing: ${missing[*]}"
  bash -c "$cmd"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo bash -c "$cmd"
else
  echo "Cyclops needs these system packages. Run as root:" >&2
  echo "  sudo bash -c '$cmd'" >&2
  exit 1
fi
