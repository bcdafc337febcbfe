# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared by tests/run, tests/run-unit and tests/run-vm: counting TAP results.

TESTS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # used by the runners
TESTS_LOGS=$TESTS_REPO/build/tests

# tap_count FILE RC [BROKEN]: print "PASSED FAILED" for one run's TAP output.
# Every "ok" passes (SKIP included), every "not ok" fails. Planned tests that
# never reported fail. A run that exited non-zero without any "not ok", or
# printed no results at all, is one more failure, and so is BROKEN=1 (a VM
# run that crashed, timed out or left a dirty dmesg).
tap_count() {
	awk -v rc="$2" -v broken="${3:-0}" '
		/^ok( |$)/ { p++ }
		/^not ok( |$)/ { f++ }
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan = $1 + 0 }
		END {
			if (plan > p + f) f += plan - (p + f)
			if ((rc != 0 || p + f == 0) && f == 0) f = 1
			else if (broken) f++
			print p + 0, f + 0
		}' "$1"
}

# summary PASSED FAILED: the final line, and the exit status.
summary() {
	echo "$1 passed, $2 failed"
	[ "$2" -eq 0 ]
}
