# nvmetest: user-space build, kernel module, tests, install.
# `make V=1` shows the commands; everything builds into $(O).

VERSION   := $(shell cat VERSION)
SOVERSION := 0
O         ?= build
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
PYTHON    ?= /usr/bin/python3
PYVER     := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
# Debian's layout: /usr/lib/python3/dist-packages, else PREFIX/lib/python3.X/dist-packages.
PYDIR     ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/python3/dist-packages,$(PREFIX)/lib/python$(PYVER)/dist-packages)

CC        ?= cc
CFLAGS    ?= -O2 -g
# Always on, whatever CFLAGS the caller gives.
NVT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -MMD -MP
CPPFLAGS  += -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS   := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# Debian packages for building, testing in the VM and benchmarking.
DEB_PACKAGES := build-essential pkg-config libnl-3-dev libnl-genl-3-dev check \
	python3 python3-pytest dkms kmod cpio xz-utils zstd busybox-static e2fsprogs \
	qemu-system-x86 fio linux-image-amd64 linux-headers-amd64 \
	linux-image-6.12-amd64 linux-headers-6.12-amd64

# Kernel module: built per kernel into $(O)/kmod/$(KVER)/kmod/nvmetest.ko.
newest_headers = $(shell ls -d /usr/src/linux-headers-$(1)-amd64 2>/dev/null | sort -V | tail -n 1)
KDIR      ?= $(call newest_headers,6.1.*)
KDIRS     := $(call newest_headers,6.1.*) $(call newest_headers,6.12.*+deb12)
KVER       = $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
KMOD_OUT   = $(O)/kmod/$(KVER)

ifeq ($(V),1)
Q :=
quiet = @:
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

LIB_OBJS   := $(patsubst %.c,$(O)/%.o,$(wildcard lib/*.c))
TOOL_OBJS  := $(patsubst %.c,$(O)/%.o,$(wildcard tools/*.c))
UNIT_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/unit/test_*.c))
KMOD_TESTS := $(patsubst %.c,$(O)/%,$(wildcard tests/kmod/test_*.c))
ABI_CHECKS := $(patsubst %.c,$(O)/%.ok,$(wildcard tests/abi/*.c))
LIBSO      := $(O)/lib/libnvmetest.so.$(VERSION)
TOOL       := $(O)/bin/nvmetest

all: $(LIBSO) $(TOOL) $(O)/lib/libnvmetest.pc

FORCE:

.PHONY: FORCE all deps kmod kmod-all tests check unit unit-asan demo bench install install-python dkms-install dkms-check clean

deps:
	$(Q)missing=$$(for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "  APT     $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(O)/lib/%.o: lib/%.c
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) $(NVT_CFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

$(O)/%.o: %.c
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) $(NVT_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBSO): $(LIB_OBJS) lib/libnvmetest.map
	$(quiet) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libnvmetest.so.$(SOVERSION) \
		-Wl,--version-script=lib/libnvmetest.map -o $@ $(LIB_OBJS) $(NL_LIBS)
	$(Q)ln -sf $(notdir $@) $(O)/lib/libnvmetest.so.$(SOVERSION)
	$(Q)ln -sf $(notdir $@) $(O)/lib/libnvmetest.so

# Depends on the install paths too: regenerated when PREFIX, LIBDIR or INCDIR change.
$(O)/lib/libnvmetest.pc: lib/libnvmetest.pc.in VERSION FORCE
	$(Q)mkdir -p $(@D) && sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm $@.tmp; else echo "  GEN     $@"; mv $@.tmp $@; fi

# Tools and device tests find the library next to them: ../lib.
$(TOOL): $(TOOL_OBJS) $(LIBSO)
	$(quiet) LD $@
	$(Q)mkdir -p $(@D) && $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJS) -L$(O)/lib -lnvmetest \
		-Wl,-rpath,'$$ORIGIN/../lib'

# Unit tests link the objects directly so they can reach internal functions.
$(O)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) -Ilib $(NVT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) \
		$(NL_LIBS) $(CHECK_LIBS)

$(O)/tests/kmod/%: tests/kmod/%.c $(LIBSO)
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) $(NVT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -L$(O)/lib -lnvmetest \
		-Wl,-rpath,'$$ORIGIN/../../lib' $(CHECK_LIBS)

# ABI checks are _Static_asserts: compiling them is the test.
$(O)/tests/abi/%.ok: tests/abi/%.c include/nvmetest/uapi.h
	$(quiet) ABI $<
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) $(filter-out -MMD -MP,$(NVT_CFLAGS)) $(CFLAGS) -fsyntax-only $< \
		&& touch $@

tests: all $(UNIT_TESTS) $(KMOD_TESTS) $(ABI_CHECKS)

kmod:
	$(Q)test -d "$(KDIR)" || { echo "no kernel headers at KDIR='$(KDIR)'"; exit 1; }
	$(Q)mkdir -p $(KMOD_OUT) && cp -a Kbuild kmod include $(KMOD_OUT)/
	$(Q)$(MAKE) -s -C $(KDIR) M=$(abspath $(KMOD_OUT)) modules

kmod-all:
	$(Q)for k in $(KDIRS); do $(MAKE) -s kmod KDIR=$$k || exit 1; done

unit: $(UNIT_TESTS) $(ABI_CHECKS)
	$(Q)tests/unit/run $(UNIT_TESTS)

# The unit tests again under AddressSanitizer and UBSan.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
unit-asan:
	$(Q)$(MAKE) -s O=$(O)/asan CFLAGS='$(SAN_FLAGS)' LDFLAGS='$(SAN_FLAGS)' unit

check: deps tests
	$(Q)tests/check

demo: deps all
	$(Q)tests/vm/run -- tests/vm/demo

# Benchmark (tests/bench/README.md): one VM boot on 6.12, prints build/bench/results.md.
$(O)/tests/bench/iow_bench: tests/bench/iow_bench.c $(LIBSO)
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) $(NVT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -L$(O)/lib -lnvmetest \
		-Wl,-rpath,'$$ORIGIN/../../lib'

# It times the library's internal CRC32C paths, so it links the objects, as the unit tests.
$(O)/tests/bench/verify_cost: tests/bench/verify_cost.c $(LIB_OBJS)
	$(quiet) CC $@
	$(Q)mkdir -p $(@D) && $(CC) $(CPPFLAGS) -Ilib $(NVT_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) \
		$(NL_LIBS)

bench: all $(O)/tests/bench/iow_bench $(O)/tests/bench/verify_cost
	$(Q)tests/bench/run

install: all install-python
	$(Q)install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR)/nvmetest $(DESTDIR)$(PYDIR)
	$(Q)install -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/
	$(Q)ln -sf $(notdir $(LIBSO)) $(DESTDIR)$(LIBDIR)/libnvmetest.so.$(SOVERSION)
	$(Q)ln -sf $(notdir $(LIBSO)) $(DESTDIR)$(LIBDIR)/libnvmetest.so
	$(Q)install -m 0644 $(O)/lib/libnvmetest.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	$(Q)install -m 0644 include/nvmetest/*.h $(DESTDIR)$(INCDIR)/nvmetest/
	$(Q)install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/
	$(Q)if [ -z "$(DESTDIR)" ]; then ldconfig; fi

# The Python packages nvmetest and nvme, and a dist-info whose entry point makes
# pytest load the nvme plugin (fixtures, --pciaddr) in any folder.
PYDIST := $(DESTDIR)$(PYDIR)/nvmetest-$(VERSION).dist-info

install-python:
	$(Q)rm -rf $(DESTDIR)$(PYDIR)/nvmetest $(DESTDIR)$(PYDIR)/nvme \
		$(DESTDIR)$(PYDIR)/nvmetest-*.dist-info
	$(Q)install -d $(DESTDIR)$(PYDIR) $(PYDIST)
	$(Q)cp -r pybind/nvmetest pybind/nvme $(DESTDIR)$(PYDIR)/
	$(Q)find $(DESTDIR)$(PYDIR)/nvmetest $(DESTDIR)$(PYDIR)/nvme -name __pycache__ -prune \
		-exec rm -rf {} +
	$(Q)printf 'Metadata-Version: 2.1\nName: nvmetest\nVersion: $(VERSION)\nSummary: %s\n' \
		'NVMe SSD testing: ctypes binding, pynvme-compatible nvme module, pytest plugin' \
		> $(PYDIST)/METADATA
	$(Q)printf '[pytest11]\nnvmetest = nvme.pytest_plugin\n' > $(PYDIST)/entry_points.txt
	$(Q)printf 'nvme\nnvmetest\n' > $(PYDIST)/top_level.txt

# DKMS: the module source goes to /usr/src/nvmetest-$(VERSION).
DKMS_FILES := Kbuild kmod include dkms.conf VERSION

dkms-install:
	$(Q)rm -rf /usr/src/nvmetest-$(VERSION) && mkdir -p /usr/src/nvmetest-$(VERSION)
	$(Q)cp -a $(DKMS_FILES) /usr/src/nvmetest-$(VERSION)/
	$(Q)dkms remove -q nvmetest/$(VERSION) --all >/dev/null 2>&1 || true
	$(Q)dkms add nvmetest/$(VERSION) && dkms install nvmetest/$(VERSION)

# dkms add + build for every supported kernel, in a private tree.
dkms-check:
	$(Q)grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || \
		{ echo "dkms.conf: PACKAGE_VERSION must be \"$(VERSION)\" (the VERSION file)"; exit 1; }
	$(Q)tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	mkdir -p $$tmp/src/nvmetest-$(VERSION) $$tmp/tree && \
	cp -a $(DKMS_FILES) $$tmp/src/nvmetest-$(VERSION)/ && \
	dkms add --sourcetree $$tmp/src --dkmstree $$tmp/tree nvmetest/$(VERSION) >/dev/null && \
	for k in $(KDIRS); do kver=$${k#/usr/src/linux-headers-}; \
		echo "  DKMS    nvmetest/$(VERSION) for $$kver"; \
		dkms build --sourcetree $$tmp/src --dkmstree $$tmp/tree \
			nvmetest/$(VERSION) -k $$kver >$$tmp/log 2>&1 || \
			{ cat $$tmp/log; find $$tmp/tree -name make.log -exec cat {} +; exit 1; }; \
	done

clean:
	$(Q)rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
