# SPDX-License-Identifier: Apache-2.0
# restd build. `make` builds bin/restd; `make test` installs what is missing,
# builds and runs every test; `make run` starts the local stack in the foreground.
# SANITIZE=1 builds with ASan+UBSan into build/asan (bin/asan for binaries).

CXX      ?= g++
# make install DESTDIR=<staging> PREFIX=/usr SYSCONFDIR=/etc, as the .deb does.
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DESTDIR    ?=
# make deb writes restd_<version>_<arch>.deb here (building in DEB_OUT/src).
DEB_OUT    ?= build
VERSION    := $(shell sed -n 's/.*kVersion = "\([^"]*\)".*/\1/p' src/common/version.h)

ifeq ($(SANITIZE),1)
  BUILD   := build/asan
  BIN     := bin/asan
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  OPT     := -O1 -g
else
  BUILD   := build/release
  BIN     := bin
  SANFLAGS :=
  OPT     := -O2 -g
endif

WARN     := -Wall -Wextra -Wshadow -Werror
# EXTRA_CXXFLAGS and EXTRA_LDFLAGS: a packager's flags on top of ours
# (debian/rules passes dpkg-buildflags' hardening flags).
CXXFLAGS := -std=c++20 $(OPT) $(WARN) $(SANFLAGS) -MMD -MP -Isrc -isystem /usr/include/cppconn -pthread $(EXTRA_CXXFLAGS)
LDFLAGS  := $(SANFLAGS) -pthread $(EXTRA_LDFLAGS)
LIBS     := -lfcgi -lmysqlcppconn -lcrypto -lcrypt -lsystemd
TESTLIBS := -lboost_unit_test_framework -lcurl

SRCS       := $(shell find src -name '*.cpp' | sort)
APP_OBJS   := $(SRCS:%.cpp=$(BUILD)/%.o)
LIB_OBJS   := $(filter-out $(BUILD)/src/main.o,$(APP_OBJS))
UNIT_SRCS  := $(shell find tests/unit -name '*.cpp' | sort)
UNIT_OBJS  := $(UNIT_SRCS:%.cpp=$(BUILD)/%.o)
SUPPORT_SRCS := $(shell find tests/support -name '*.cpp' | sort)
SUPPORT_OBJS := $(SUPPORT_SRCS:%.cpp=$(BUILD)/%.o)
INTEG_SRCS := $(shell find tests/integration -name '*.cpp' | sort)
INTEG_OBJS := $(INTEG_SRCS:%.cpp=$(BUILD)/%.o)
CLUSTER_SRCS := $(shell find tests/cluster -name '*.cpp' | sort)
CLUSTER_OBJS := $(CLUSTER_SRCS:%.cpp=$(BUILD)/%.o)
# restd-test: restd plus the test-only routes of tests/test_routes (a worker
# that aborts on request, for the fault tests), with route_table.cpp compiled
# a second time to list them. Never installed; bin/restd has none of them.
TEST_ROUTE_SRCS := $(shell find tests/test_routes -name '*.cpp' | sort)
TEST_ROUTE_OBJS := $(TEST_ROUTE_SRCS:%.cpp=$(BUILD)/%.o)
TEST_TABLE_OBJ  := $(BUILD)/test_routes/route_table.o

.PHONY: all deps docs man test unit-test integration-test check-layers run clean install deb format format-check lint
.DEFAULT_GOAL := all

all: $(BIN)/restd

$(BIN)/restd: $(APP_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BIN)/restd-test: $(filter-out $(BUILD)/src/app/route_table.o,$(APP_OBJS)) $(TEST_TABLE_OBJ) $(TEST_ROUTE_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_TABLE_OBJ): src/app/route_table.cpp Makefile
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -DRESTD_TEST_ROUTES -c -o $@ $<

$(BIN)/unit_tests: $(UNIT_OBJS) $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS) $(TESTLIBS)

$(BIN)/integration_tests: $(INTEG_OBJS) $(SUPPORT_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(TESTLIBS) -lcrypto

$(BIN)/cluster_tests: $(CLUSTER_OBJS) $(SUPPORT_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(TESTLIBS) -lcrypto

# The Makefile too: a changed flag rebuilds everything.
$(BUILD)/%.o: %.cpp Makefile
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

deps:
	@scripts/deps

# The /docs page: our index.html and init.js plus Swagger UI's assets from the
# swagger-ui-dist npm package (pinned in docs/package-lock.json), never committed.
DOCS_ASSETS := swagger-ui-bundle.js swagger-ui.css favicon-16x16.png favicon-32x32.png LICENSE
docs: build/docs/index.html

build/docs/index.html: docs/index.html docs/init.js docs/package-lock.json
	@cd docs && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@mkdir -p build/docs
	cp $(addprefix docs/node_modules/swagger-ui-dist/,$(DOCS_ASSETS)) build/docs/
	cp docs/init.js docs/index.html build/docs/

# The man pages restd(8) and restd-deploy(8), from their scdoc sources.
MAN_PAGES := build/man/restd.8 build/man/restd-deploy.8
man: $(MAN_PAGES)

build/man/%.8: docs/man/%.8.scd
	@mkdir -p $(@D)
	scdoc <$< >$@

# Dependencies first (a fresh machine has no compiler libraries), then the build
# in a sub-make so that the file lists are computed with the headers present.
test: deps
	@$(MAKE) --no-print-directory docs $(BIN)/restd $(BIN)/restd-test $(BIN)/unit_tests $(BIN)/integration_tests
	@BIN=$(BIN) scripts/run-tests

unit-test: deps
	@$(MAKE) --no-print-directory $(BIN)/unit_tests
	@BIN=$(BIN) ONLY=unit scripts/run-tests

integration-test: deps
	@$(MAKE) --no-print-directory docs $(BIN)/restd $(BIN)/restd-test $(BIN)/integration_tests
	@BIN=$(BIN) ONLY=integration scripts/run-tests

# The layer rule of src/ (docs/architecture.md "Layers"); also part of `make test`.
check-layers:
	@ONLY=layers scripts/run-tests

run: deps
	@$(MAKE) --no-print-directory docs $(BIN)/restd
	@RESTD_BIN=$(BIN)/restd scripts/stack run

# The load benchmark (bench/run): wrk through nginx, restd beside the Express
# reference and the FastCGI ceilings; BENCH_QUICK=1 for one short smoke pass.
# The validation micro-benchmark runs first (a few seconds).
.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory $(BIN)/restd $(BIN)/bench_validation
	@$(BIN)/bench_validation
	@RESTD_BIN=$(BIN)/restd bench/run

# The soak (tests/soak/run): SOAK_MINUTES of steady mixed load through nginx
# with a SIGHUP every minute and workers recycled, printing every worker's RSS
# per minute; fails on an unexpected status, a lost or duplicated write or RSS
# growth. CI runs SOAK_MINUTES=2.
SOAK_MINUTES ?= 10
.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory $(BIN)/restd
	@RESTD_BIN=$(BIN)/restd SOAK_MINUTES=$(SOAK_MINUTES) tests/soak/run

# Several hosts on this machine (tests/cluster/run, as root): nginx, two
# restd hosts and the databases each in a network namespace; a primary with a
# replica, then a 3-node Galera cluster, each under load with a part killed.
# Prints its counts; part of CI.
.PHONY: test-cluster
test-cluster: deps
	@$(MAKE) --no-print-directory $(BIN)/restd $(BIN)/cluster_tests
	@RESTD_BIN=$(abspath $(BIN)/restd) CLUSTER_TESTS_BIN=$(abspath $(BIN)/cluster_tests) tests/cluster/run

# Scanners against a stack of its own (scan/run, scan/README.md): sqlmap,
# wapiti, testssl.sh and Spectral's OWASP rules, installed on first use; one
# line per tool at the end. SCAN_QUICK=1 is the short CI pass.
.PHONY: scan
scan: deps
	@$(MAKE) --no-print-directory $(BIN)/restd $(BIN)/restd-test
	@RESTD_BIN=$(abspath $(BIN)/restd) RESTD_TEST_BIN=$(abspath $(BIN)/restd-test) scan/run

# Parse + validation time of JSON objects of 10 to 100,000 members, in-process
# (bench/validation.cpp): shows that the cost per member stays flat.
.PHONY: bench-validation
bench-validation:
	@$(MAKE) --no-print-directory $(BIN)/bench_validation
	@$(BIN)/bench_validation

$(BIN)/bench_validation: $(BUILD)/bench/validation.o $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

# The fuzzers (fuzz/run, fuzz/README.md): one libFuzzer target per parser of
# untrusted bytes, built with clang, ASan and UBSan into build/fuzz, each run
# FUZZ_SECONDS on a copy of its seed corpus; CI runs FUZZ_SECONDS=10.
# FUZZ_TARGETS="jwt cursor" runs only those.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
.PHONY: fuzz
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run $(FUZZ_TARGETS)

# The units name /usr/sbin/restd, /usr/share/doc/restd and /etc/restd: they
# are rewritten for PREFIX and SYSCONFDIR, so ExecStart= finds the binary.
UNIT_SED := -e 's|/usr/sbin/|$(PREFIX)/sbin/|g' -e 's|/usr/share/doc/restd|$(PREFIX)/share/doc/restd|g' \
            -e 's|/etc/restd/|$(SYSCONFDIR)/restd/|g'

install: $(BIN)/restd docs man
	install -D -m 0755 $(BIN)/restd $(DESTDIR)$(PREFIX)/sbin/restd
	sed -e 's|/etc/restd/|$(SYSCONFDIR)/restd/|g' scripts/deploy >$(DESTDIR)$(PREFIX)/sbin/restd-deploy
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/restd-deploy
	install -D -m 0755 scripts/migrate $(DESTDIR)$(PREFIX)/share/restd/scripts/migrate
	install -D -m 0644 scripts/lib/settings.sh $(DESTDIR)$(PREFIX)/share/restd/scripts/lib/settings.sh
	install -d $(DESTDIR)$(PREFIX)/share/restd/sql $(DESTDIR)$(PREFIX)/share/restd/nginx
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/restd/sql/
	for conf in nginx/*.conf; do \
	    sed -e 's|/usr/local/share/restd/|$(PREFIX)/share/restd/|g' -e 's|/etc/restd/|$(SYSCONFDIR)/restd/|g' $$conf \
	        >$(DESTDIR)$(PREFIX)/share/restd/nginx/$$(basename $$conf) || exit 1; \
	done
	chmod 0644 $(DESTDIR)$(PREFIX)/share/restd/nginx/*.conf
	install -d $(DESTDIR)$(PREFIX)/share/restd/docs
	install -m 0644 build/docs/* $(DESTDIR)$(PREFIX)/share/restd/docs/
	install -d $(DESTDIR)$(UNITDIR)
	for unit in restd.service restd.socket; do \
	    sed $(UNIT_SED) systemd/$$unit >$(DESTDIR)$(UNITDIR)/$$unit && \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit || exit 1; \
	done
	install -d $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man8/
# Nothing goes to SYSCONFDIR: the env file holds secrets and is made on the
# host (restd-deploy, or the package's postinst) from this template, which
# restd-deploy and the postinst need (/usr/share/doc may be left out of an
# install), and which the doc folder shows under examples/.
	install -D -m 0644 systemd/restd.env.example $(DESTDIR)$(PREFIX)/share/restd/restd.env.example
	install -d $(DESTDIR)$(PREFIX)/share/doc/restd/examples
	ln -sf ../../../restd/restd.env.example $(DESTDIR)$(PREFIX)/share/doc/restd/examples/restd.env.example
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/restd/README.md
	install -m 0644 docs/api.md docs/architecture.md docs/deploy.md $(DESTDIR)$(PREFIX)/share/doc/restd/

# The Debian package (debian/), built by dpkg-buildpackage from a copy of the
# source tree in DEB_OUT/src: its `debian/rules clean` runs `make clean`, and
# it writes the package beside the tree, so the tree under test is left alone.
# The files git knows (tracked or new, as they are now) are copied, or, outside
# a git checkout, everything but the build products. Prints the .deb's path last.
DEB_SRC := $(DEB_OUT)/src/restd-$(VERSION)
deb:
	rm -rf $(DEB_OUT)/src
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	    git ls-files -z --cached --others --exclude-standard | \
	        rsync -a --from0 --files-from=- --ignore-missing-args ./ $(DEB_SRC)/; \
	else \
	    rsync -a --exclude=/build --exclude=/bin --exclude=/var --exclude=node_modules ./ $(DEB_SRC)/; \
	fi
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	    dpkg-buildpackage -us -uc -b -Jauto
	for f in $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.ddeb; do if [ -e "$$f" ]; then mv "$$f" $(DEB_OUT)/; fi; done
	rm -rf $(DEB_OUT)/src
	@deb=$(abspath $(DEB_OUT))/restd_$(VERSION)_$$(dpkg --print-architecture).deb && test -f "$$deb" && echo "$$deb"

clean:
	rm -rf build bin

format:
	clang-format -i $$(find src tests -name '*.cpp' -o -name '*.h')

format-check:
	clang-format --dry-run -Werror $$(find src tests -name '*.cpp' -o -name '*.h')

# Static checks (scripts/lint): shellcheck over every shell script, clang-tidy
# (.clang-tidy) over src/ with the flags below. clang-tidy parses the sources
# as the compiler does, so it needs the libraries' headers (deps); scripts/lint
# installs the two tools themselves when missing.
lint: deps
	@$(MAKE) --no-print-directory $(BUILD)/compile_commands.json
	@BUILD=$(BUILD) scripts/lint

# The compile flags of src/ for clang-tidy (and editors): the build's own,
# less those that only make sense to g++ writing objects.
LINT_FLAGS := $(filter-out -MMD -MP -Werror $(SANFLAGS),$(CXXFLAGS))
$(BUILD)/compile_commands.json: Makefile $(SRCS)
	@mkdir -p $(@D)
	@{ echo '['; sep=' '; for f in $(SRCS); do \
	    printf '%s{"directory": "%s", "file": "%s", "command": "c++ %s -c %s"}\n' \
	        "$$sep" "$(CURDIR)" "$$f" "$(LINT_FLAGS)" "$$f"; sep=','; \
	done; echo ']'; } >$@

-include $(APP_OBJS:.o=.d) $(TEST_ROUTE_OBJS:.o=.d) $(TEST_TABLE_OBJ:.o=.d) $(UNIT_OBJS:.o=.d) $(SUPPORT_OBJS:.o=.d) $(INTEG_OBJS:.o=.d) $(CLUSTER_OBJS:.o=.d) \
         $(BUILD)/bench/validation.d
