#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME keyring, so keytar has a
# real Secret Service on a headless machine (CI). The keyring lives in a throwaway XDG_DATA_HOME.
set -euo pipefail
if [ "${ROLLCALL_IN_KEYRING_SESSION:-}" != "1" ]; then
  XDG_DATA_HOME="$(mktemp -d)"
  export XDG_DATA_HOME ROLLCALL_IN_KEYRING_SESSION=1
  trap 'rm -rf "$XDG_DATA_HOME"' EXIT
  dbus-run-session -- "$0" "$@"
  exit $?
fi
# A non-empty password: gnome-keyring refuses to create a login keyring with an empty one.
echo -n test | gnome-keyring-daemon --unlock --components=secrets > /dev/null
exec "$@"
