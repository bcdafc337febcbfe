# SPDX-License-Identifier: GPL-2.0
#
# make                  module for every installed kernel with headers, plus ktgtctl
# make KVER=<release>   module for one kernel
# make check            host unit tests, then VM tests on every kernel
# make style            checkpatch.pl --strict on kernel/
# make install          install the module (for KVER), ktgtctl, its man pages and
#                       ktgt.service, then depmod

SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(SRC)/build
THIRD := $(BUILD)/third_party

# Every kernel that has a build tree installed, unless KVER names one.
KVERS ?= $(if $(KVER),$(KVER),$(sort $(patsubst /lib/modules/%/build,%,$(wildcard /lib/modules/*/build))))
KERNELDIR_FOR = /lib/modules/$(1)/build
W ?= 1

PREFIX ?= /usr/local
# systemd units of local installs (dist/ktgt.service.in)
UNITDIR ?= /etc/systemd/system
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
USER_CFLAGS := $(CFLAGS) -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
	-I$(SRC)/include/uapi -I$(SRC)/userspace $(NL_CFLAGS)

KTGTCTL_SRCS := $(wildcard $(SRC)/userspace/*.c)
KTGTCTL_HDRS := $(wildcard $(SRC)/userspace/*.h) $(SRC)/include/uapi/linux/ktgt.h
KERNEL_SRCS := $(wildcard $(SRC)/kernel/*.c $(SRC)/kernel/*.h) $(SRC)/Kbuild \
	$(SRC)/include/uapi/linux/ktgt.h

UNIT_SRCS := $(wildcard $(SRC)/tests/unit/test_*.c)
UNIT_BINS := $(patsubst $(SRC)/tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
UNIT_SCRIPTS := $(wildcard $(SRC)/tests/unit/test_*.py)	# scripts' host tests, TAP too

.PHONY: all module ktgtctl nl-malformed unit unit-bins check vmcheck style install clean demo
all: module ktgtctl nl-malformed

# Each kernel gets its own tree of symlinks under build/<release>, so the two
# kernels' objects never meet.
module: $(foreach k,$(KVERS),$(BUILD)/$(k)/ktgt.ko)

$(BUILD)/%/ktgt.ko: $(KERNEL_SRCS)
	@test -d $(call KERNELDIR_FOR,$*) || { echo "no headers for $*" >&2; exit 1; }
	@mkdir -p $(BUILD)/$*
	@rm -rf $(BUILD)/$*/kernel && cp -rs $(SRC)/kernel $(BUILD)/$*/kernel
	@ln -sfn $(SRC)/include $(BUILD)/$*/include
	@ln -sf $(SRC)/Kbuild $(BUILD)/$*/Kbuild
	$(MAKE) -C $(call KERNELDIR_FOR,$*) M=$(BUILD)/$* W=$(W) modules 2>&1 | tee $(BUILD)/$*/build.log
	@! grep -E 'warning:|error:' $(BUILD)/$*/build.log
	@test -f $@

ktgtctl: $(BUILD)/ktgtctl
$(BUILD)/ktgtctl: $(KTGTCTL_SRCS) $(KTGTCTL_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $(KTGTCTL_SRCS) $(NL_LIBS)

# raw malformed netlink requests, for tests/vm/test_netlink.sh
MNL_CFLAGS := $(shell pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null)
nl-malformed: $(BUILD)/nl_malformed
$(BUILD)/nl_malformed: $(SRC)/tests/vm/nl_malformed.c $(SRC)/include/uapi/linux/ktgt.h
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -Wall -Wextra -std=gnu11 -I$(SRC)/include/uapi $(MNL_CFLAGS) -o $@ $< $(MNL_LIBS)

# Third-party files come from Debian's linux-source package at build time.
LINUX_SRC_TAR ?= $(firstword $(wildcard /usr/src/linux-source-6.12.tar.xz))
$(THIRD)/.extracted:
	@test -n "$(LINUX_SRC_TAR)" || { echo "linux-source-6.12 is missing: run scripts/deps" >&2; exit 1; }
	@mkdir -p $(THIRD)
	tar -C $(THIRD) --strip-components=1 -xJf $(LINUX_SRC_TAR) \
		--wildcards '*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' '*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	@touch $@

# the harness compares mixed signedness by design, and its TEST_F wrapper
# trips -Wclobbered
UNIT_CFLAGS := $(USER_CFLAGS) -Wno-sign-compare -Wno-clobbered -I$(THIRD)/tools/testing/selftests \
	-I$(SRC)/tests/unit -I$(SRC)/kernel -DKTGT_USERSPACE

$(BUILD)/tests/unit/%: $(SRC)/tests/unit/%.c $(THIRD)/.extracted $(wildcard $(SRC)/kernel/*.[ch]) \
		$(KTGTCTL_SRCS) $(KTGTCTL_HDRS) $(wildcard $(SRC)/tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(NL_LIBS)

unit-bins: $(UNIT_BINS)

# "make build/tests/unit/test_x" works as well as the absolute path
build/tests/unit/%: $(BUILD)/tests/unit/% ;
# the CLI test runs the tool itself
$(BUILD)/tests/unit/test_ktgtctl_cli: $(BUILD)/ktgtctl

unit: $(UNIT_BINS)
	$(SRC)/tests/run-unit $(UNIT_BINS) $(UNIT_SCRIPTS)

vmcheck: all
	$(SRC)/tests/run-vm $(KVERS)

check: all $(UNIT_BINS)
	$(SRC)/tests/run $(KVERS)

CHECKPATCH = perl $(THIRD)/scripts/checkpatch.pl --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG
# compat.h is where version checks and the shims they need belong
COMPAT_IGNORE = LINUX_VERSION_CODE,CONSTANT_COMPARISON,MACRO_ARG_UNUSED,NEW_TYPEDEFS

style: $(THIRD)/.extracted
	$(CHECKPATCH) -f $(filter-out %/compat.h,$(wildcard $(SRC)/kernel/*.[ch]))
	$(CHECKPATCH) --ignore $(COMPAT_IGNORE) -f $(SRC)/kernel/compat.h

demo:
	$(SRC)/scripts/demo

install: all
	@test -n "$(KVER)" || { echo "install needs KVER=<release> (try KVER=$$(uname -r))" >&2; exit 1; }
	install -D -m 644 $(BUILD)/$(KVER)/ktgt.ko $(DESTDIR)/lib/modules/$(KVER)/updates/ktgt.ko
	install -D -m 755 $(BUILD)/ktgtctl $(DESTDIR)$(PREFIX)/sbin/ktgtctl
	install -d -m 700 $(DESTDIR)/var/lib/ktgt/pr	# APTPL state (pr_dir)
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $(SRC)/dist/ktgt.service.in >$(DESTDIR)$(UNITDIR)/ktgt.service
	install -D -m 644 $(SRC)/userspace/ktgtctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/ktgtctl.8
	install -D -m 644 $(SRC)/userspace/ktgt-targets.conf.5 \
		$(DESTDIR)$(PREFIX)/share/man/man5/ktgt-targets.conf.5
	$(if $(DESTDIR),,depmod -a $(KVER))

clean:
	rm -rf $(BUILD)
