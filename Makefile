# SPDX-License-Identifier: GPL-3.0-or-later
#
#   make deps    install the Debian packages that are missing (as root)
#   make build   configure build/ once, then ninja
#   make run     run the uninstalled app
#   make test    all meson tests under Xvfb + a private bus, then the core/server/sync
#                suites again under ASan+UBSan, then each fuzz target briefly;
#                ends "N passed, N failed"
#   make fuzz    each libFuzzer target for FUZZ_SECONDS (default 300) each, the
#                server SIGKILL loop for FUZZ_KILL_ROUNDS (default 1000) kills, and
#                the sync property test with PROPERTY_SCHEDULES (default 20000)
#   make bench   the benchmarks (bench-library, bench-store, bench-coaching, bench-sync,
#                bench-follow-ups.sh, bench-launch.sh, bench-server.sh, bench-library-publish)
#   make update-po  regenerate the template and merge it into po/*.po
#   make clean   remove build/

BUILDDIR ?= build
ASAN_BUILDDIR ?= build-asan
FUZZ_BUILDDIR ?= build-fuzz
MESON_ARGS ?=
# make test's short fuzz run per target; make fuzz's long one.
TEST_FUZZ_SECONDS ?= 10
FUZZ_SECONDS ?= 300
# make test's server-kill-loop kills 100 times; make fuzz this often.
FUZZ_KILL_ROUNDS ?= 1000

# Build, test and run dependencies (see shared TESTING.md). Installed with
# --no-install-recommends: recommends would pull in xdg-desktop-portal,
# which slows every GTK start in a D-Bus session.
DEPS = \
	gcc make pkg-config python3 meson ninja-build gettext \
	libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev \
	libjson-glib-dev libsqlite3-dev libsecret-1-dev \
	desktop-file-utils appstream appstream-util \
	xvfb xauth dbus-x11 at-spi2-core gnome-keyring \
	python3-gi gir1.2-atspi-2.0 imagemagick xdotool \
	clang libclang-rt-14-dev openssl

# Only the benchmarks and the screenshot script need these (xwininfo;
# wrk and nginx for bench-server.sh's load and its reference).
BENCH_DEPS = x11-utils wrk nginx-light

.PHONY: all deps bench-deps build asan-build fuzz-build run test fuzz bench screenshots update-po clean

all: build

# Checks with dpkg-query first, so a machine that has everything never
# touches apt. apt-get update runs only when there are no package lists or
# the install fails with the lists there are.
define install_missing
	@missing=""; \
	for p in $(1); do \
	  s=$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null); \
	  [ "$$s" = installed ] || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "Missing packages:$$missing"; \
	  echo "Install them as root: apt-get install -y --no-install-recommends$$missing"; \
	  exit 1; \
	fi; \
	echo "Installing:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt-get update; fi; \
	apt-get install -y --no-install-recommends $$missing || \
	  { apt-get update && apt-get install -y --no-install-recommends $$missing; }
endef

deps:
	@command -v dpkg-query >/dev/null || { echo "dpkg-query not found: install by hand: $(DEPS)"; exit 1; }
	$(call install_missing,$(DEPS))

bench-deps:
	@command -v dpkg-query >/dev/null || { echo "dpkg-query not found: install by hand: $(BENCH_DEPS)"; exit 1; }
	$(call install_missing,$(BENCH_DEPS))

# ninja re-runs meson by itself when a meson.build changes, so an existing
# build dir is only set up again when it is broken (e.g. meson was upgraded).
build:
	@if [ ! -f $(BUILDDIR)/build.ninja ]; then \
	  if [ -f $(BUILDDIR)/meson-private/coredata.dat ]; then \
	    meson setup --reconfigure $(BUILDDIR) $(MESON_ARGS); \
	  else \
	    meson setup $(BUILDDIR) $(MESON_ARGS); \
	  fi; \
	fi
	ninja -C $(BUILDDIR)

# The sanitizer build: AddressSanitizer + UBSan, stopping at the first
# report (see tests/sanitizers/).
asan-build:
	@if [ ! -f $(ASAN_BUILDDIR)/build.ninja ]; then \
	  meson setup $(ASAN_BUILDDIR) -Dbuildtype=debug \
	    -Db_sanitize=address,undefined -Db_lundef=false $(MESON_ARGS); \
	fi
	ninja -C $(ASAN_BUILDDIR)

# libFuzzer needs clang; the targets carry ASan + UBSan too.
fuzz-build:
	@if [ ! -f $(FUZZ_BUILDDIR)/build.ninja ]; then \
	  CC=clang meson setup $(FUZZ_BUILDDIR) -Dbuildtype=debugoptimized -Dfuzzing=true \
	    -Db_sanitize=address,undefined -Db_lundef=false $(MESON_ARGS); \
	fi
	ninja -C $(FUZZ_BUILDDIR)

run: deps build
	GSETTINGS_SCHEMA_DIR="$(CURDIR)/$(BUILDDIR)/data" \
	XDG_DATA_DIRS="$(CURDIR)/data:$${XDG_DATA_DIRS:-/usr/local/share:/usr/share}" \
	  "$(CURDIR)/$(BUILDDIR)/src/app/poise"

test: deps build asan-build fuzz-build
	BUILDDIR=$(BUILDDIR) ASAN_BUILDDIR=$(ASAN_BUILDDIR) FUZZ_BUILDDIR=$(FUZZ_BUILDDIR) \
	  FUZZ_SECONDS=$(TEST_FUZZ_SECONDS) .ci/run-tests.sh

# Long fuzzing runs; each target's seconds are logged for docs/testing.md
# (run-fuzz.sh writes them to work/seconds.log). Then the server SIGKILL
# loop with FUZZ_KILL_ROUNDS kills and the sync property test with
# PROPERTY_SCHEDULES random schedules.
PROPERTY_SCHEDULES ?= 20000
fuzz: deps build fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) .ci/test-env.sh \
	  meson test -C $(FUZZ_BUILDDIR) --suite fuzz --num-processes 1 --print-errorlogs
	@bench/fuzz-hours.sh $(FUZZ_BUILDDIR)/tests/fuzz/work/seconds.log
	POISE_KILL_ROUNDS=$(FUZZ_KILL_ROUNDS) .ci/test-env.sh \
	  meson test -C $(BUILDDIR) server-kill-loop --timeout-multiplier 20 --print-errorlogs
	POISE_PROPERTY_SCHEDULES=$(PROPERTY_SCHEDULES) .ci/test-env.sh \
	  meson test -C $(BUILDDIR) sync-property --timeout-multiplier 0 --print-errorlogs

bench: deps bench-deps build
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh $(BUILDDIR)/bench/bench-library
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh $(BUILDDIR)/bench/bench-store
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh $(BUILDDIR)/bench/bench-coaching tests/data/suggest-labelled.tsv tests/data/suggest-heldout.tsv tests/data/suggest-fresh.tsv
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh $(BUILDDIR)/bench/bench-sync
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh bench/bench-follow-ups.sh
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh bench/bench-launch.sh
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh bench/bench-server.sh
	BUILDDIR=$(BUILDDIR) .ci/test-env.sh $(BUILDDIR)/bench/bench-library-publish $(BUILDDIR)/src/server/poise-server tests/data/library-small.json

screenshots: deps bench-deps build
	BUILDDIR=$(BUILDDIR) bench/screenshots.sh

# Not `ninja poise-pot`: gettext 0.21 extracts nothing from
# *.metainfo.xml.in.in, which check-translations.py works around.
update-po: build
	-/usr/bin/python3 po/check-translations.py --pot $(BUILDDIR)/po/poise.pot >/dev/null
	for l in $$(grep -v '^#' po/LINGUAS); do \
	  msgmerge --update --backup=none --width=79 po/$$l.po $(BUILDDIR)/po/poise.pot; \
	done

clean:
	rm -rf $(BUILDDIR) $(ASAN_BUILDDIR) $(FUZZ_BUILDDIR)
