# SPDX-License-Identifier: GPL-2.0
#
# lwkt: DragonFly BSD's LWKT as a Linux module.
#
#   make            build the module for Debian's stock kernel: build/stock/lwkt.ko
#   make test-module  build lwkt.ko and lwkt_kunit.ko for the test kernel: build/test/
#   make host-tests build and run the userland tests (plain, ASan+UBSan, TSan)
#   make model-check  model-check the cross-CPU protocols with spin (tests/model/)
#   make check      every test tier, one verdict
#   make demo       boot the test VM and show LWKT at work
#   make bench      benchmarks, as ratios against Linux baselines of the same run
#
# KDIR selects the kernel tree for the stock build. Default: the running
# kernel's build tree when it has one, else the newest installed Debian
# linux-headers-*-amd64 tree.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

BUILD := $(CURDIR)/build
MIRROR := Kbuild include src kunit scripts

.PHONY: all module test-module host-tests model-check check demo bench clean deps

all: module

# Kbuild writes objects next to the sources of an external module, so each
# flavour builds in its own tree of symlinks under build/.
define kbuild
	@mkdir -p $(BUILD)/$(1)
	@find $(BUILD)/$(1) -xtype l -delete
	@cp -rsf $(addprefix $(CURDIR)/,$(MIRROR)) $(BUILD)/$(1)/
	$(MAKE) -C $(2) M=$(BUILD)/$(1) modules \
		$(if $(wildcard $(2)/vmlinux),,CONFIG_DEBUG_INFO_BTF_MODULES=)
endef
# (Without vmlinux, as in Debian's headers package, no BTF can be made for
# the module; saying so on every build would only hide real messages.)

module:
	@test -d "$(KDIR)" || { echo "no kernel tree: install linux-headers-amd64 or pass KDIR=" >&2; exit 1; }
	$(call kbuild,stock,$(KDIR))

test-module:
	$(call kbuild,test,$(shell scripts/build-test-kernel --print-dir))

host-tests:
	scripts/host-tests

model-check:
	scripts/model-check

check:
	scripts/check

demo:
	scripts/demo

bench:
	scripts/bench

deps:
	scripts/deps

clean:
	rm -rf $(BUILD)
