#!/usr/bin/env bash
# Runs examples/demo against a local Partner Center emulator: starts the
# emulator, points Terraform at the provider in bin/ with dev_overrides,
# applies, prints the outputs and stops the emulator. `make demo` builds
# what it needs first.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
emulator_pid=
cleanup() {
	[ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null || true
	[ -z "$emulator_pid" ] || wait "$emulator_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

"$root/bin/partnercenter-emulator" -addr 127.0.0.1:0 -state-dir "$work" -env-file "$work/emulator.env" \
	>"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
	[ -f "$work/emulator.env" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
	sleep 0.1
done
[ -f "$work/emulator.env" ] || { echo "the emulator did not start in 10 s" >&2; cat "$work/emulator.log" >&2; exit 1; }
cat "$work/emulator.out"
# shellcheck disable=SC1091
. "$work/emulator.env"

cat >"$work/terraformrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-8b9b5c63/partnercenter" = "$root/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1
cp "$root/examples/demo/main.tf" "$work/"
color=()
[ -t 1 ] || color=(-no-color) # CI logs show escape codes as noise

terraform -chdir="$work" apply -auto-approve -input=false "${color[@]}"
echo
echo "Outputs read back from state:"
terraform -chdir="$work" output "${color[@]}"
