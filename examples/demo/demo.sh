#!/usr/bin/env bash
# Runs the demo against a local Partner Center emulator: starts the emulator
# and points Terraform at the provider in bin/ with dev_overrides. Part 1
# applies examples/demo, which waits for an upload's status; part 2 applies
# examples/resources/partnercenter_device_batch and examples/autopilot,
# which upload devices (the latter from a CSV file with the autopilot_devices
# function), give them an Autopilot profile and print every device's result,
# then plans each again and wants no change. `make demo` builds what it needs
# first.
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
	-refresh-token-file "$work/refresh-token" >"$work/emulator.out" 2>"$work/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
	[ -f "$work/emulator.env" ] && break
	kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
	sleep 0.1
done
[ -f "$work/emulator.env" ] || { echo "the emulator did not start in 10 s" >&2; cat "$work/emulator.log" >&2; exit 1; }
cat "$work/emulator.out"
# Sign-in settings of the caller's shell, such as another emulator's refresh
# token, would win over the emulator's client secret: only the emulator's
# own count (PARTNERCENTER_EMULATOR_* choose its answers, and stay).
for name in $(compgen -e); do
	case $name in
	PARTNERCENTER_EMULATOR_*) ;;
	PARTNERCENTER_* | ARM_*) unset "$name" ;;
	esac
done
# shellcheck disable=SC1091
. "$work/emulator.env"

cat >"$work/terraformrc" <<TFRC
provider_installation {
  dev_overrides {
    "registry.terraform.io/seed-8b9b5c63/partnercenter" = "$root/bin"
    # The docs' examples declare no required_providers, as on the registry.
    "registry.terraform.io/hashicorp/partnercenter" = "$root/bin"
  }
  direct {}
}
TFRC
export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1
color=()
[ -t 1 ] || color=(-no-color) # CI logs show escape codes as noise

# apply_and_replan copies an example into its own directory, applies it,
# prints its outputs and, with "replan", wants a second plan to show no
# change.
apply_and_replan() {
	local example=$1 replan=${2:-} dir
	dir="$work/$(basename "$example")"
	mkdir -p "$dir"
	# The import example of a resource would import what the example creates.
	find "$root/$example" -maxdepth 1 -name '*.tf' ! -name 'import-*.tf' -exec cp {} "$dir/" \;
	cp "$root/$example"/*.csv "$dir/" 2>/dev/null || true
	echo "== terraform apply $example"
	terraform -chdir="$dir" apply -auto-approve -input=false "${color[@]}"
	echo
	echo "Outputs read back from state:"
	terraform -chdir="$dir" output "${color[@]}"
	if [ -n "$replan" ]; then
		echo
		echo "== terraform plan $example, after the apply"
		terraform -chdir="$dir" plan -detailed-exitcode -input=false "${color[@]}" | tail -n 3
	fi
	echo
}

echo "Part 1: follow an upload to its result"
apply_and_replan examples/demo

echo "Part 2: upload devices, give them an Autopilot profile (app+user sign-in)"
PARTNERCENTER_REFRESH_TOKEN=$(cat "$work/refresh-token")
export PARTNERCENTER_REFRESH_TOKEN
apply_and_replan examples/resources/partnercenter_device_batch replan
apply_and_replan examples/autopilot replan
