#!/usr/bin/env bash
# flags.sh APP: --help exits 0 and explains; --no-such-flag exits 2 with a message (CLI11 names a missing
# required flag first, else the unknown one).
set -u
app=$1
out=$("$app" --help 2>&1); rc=$?
[ "$rc" = 0 ] || { echo "FAIL: --help exited $rc"; exit 1; }
echo "$out" | grep -q -- "--help" || { echo "FAIL: --help printed no flags"; exit 1; }
err=$("$app" --no-such-flag 2>&1 >/dev/null); rc=$?
[ "$rc" = 2 ] || { echo "FAIL: unknown flag exited $rc, expected 2"; exit 1; }
[ -n "$err" ] || { echo "FAIL: unknown flag exited 2 without a message"; exit 1; }
if echo "$out" | grep -q -- "--threads"; then
  # A bad thread count gets one short line (CLI11's own check printed DBL_MAX in 309 digits).
  err=$("$app" --threads -1 2>&1 >/dev/null); rc=$?
  [ "$rc" = 2 ] || { echo "FAIL: --threads -1 exited $rc, expected 2"; exit 1; }
  echo "$err" | grep -q "whole number >= 0" || { echo "FAIL: --threads -1 said: $err"; exit 1; }
  [ "${#err}" -lt 300 ] || { echo "FAIL: --threads -1 message is ${#err} characters"; exit 1; }
fi
echo "ok: $(basename "$app")"
