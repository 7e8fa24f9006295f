# Planhat Explorer. `make run` and `make test` are the whole set-up on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed first, only when absent.

SWIFT       ?= swift
APT_PACKAGES = libncurses-dev tmux libsqlite3-dev
# What `make bench` needs besides: wrk, the HTTP load generator of its HTTP figures.
BENCH_PACKAGES = wrk
RELEASE_BIN  = .build/release/planhat
DEBUG_BIN    = .build/debug/planhat
# The Python MCP reference client the end-to-end tests drive the server with (pinned).
MCP_VENV     = .build/mcp-venv
MCP_PACKAGE  = mcp==2.3.0

.PHONY: all run test build release deps bench fuzz fuzz-mcp clean catalog themes mcp-client install install-files uninstall dist

all: build

## deps: install the Debian packages the build and tests need, if any is missing
deps:
	@missing=""; \
	for package in $(APT_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing missing packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi; \
	  $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

## build: debug build of the program and the tests
build: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product generate-manual

## release: optimized build of the planhat program
release: deps
	$(SWIFT) build -c release --product planhat

## run: the main job on the offline sandbox: the terminal explorer (a demo of the CLI without a terminal)
run: release
	@if [ -t 0 ] && [ -t 1 ]; then \
	  $(RELEASE_BIN) --sandbox; \
	else \
	  echo "(no terminal: showing the CLI instead of the explorer)"; \
	  echo "== planhat models"; $(RELEASE_BIN) models; \
	  echo; echo '== planhat call companies list --sandbox --params {"limit":3,"sort":"-arr","select":"name,arr,status"}'; \
	  $(RELEASE_BIN) call companies list --sandbox --params '{"limit":3,"sort":"-arr","select":"name,arr,status"}'; \
	fi

## install: the release binary, themes, shell completions and the man page under PREFIX (DESTDIR for staging)
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALLED = $(DESTDIR)$(PREFIX)/bin/planhat \
  $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes/default.yaml \
  $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes/light.yaml \
  $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes/high-contrast.yaml \
  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/planhat \
  $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_planhat \
  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/planhat.fish \
  $(DESTDIR)$(PREFIX)/share/man/man1/planhat.1
## INSTALL_BIN and MANUAL_TOOL: what install-files copies and generates the manual with (the tests
## install the debug build that way, into a temporary DESTDIR)
INSTALL_BIN ?= $(RELEASE_BIN)
MANUAL_TOOL ?= .build/release/generate-manual
install: release
	$(SWIFT) build -c release --product generate-manual
	$(MAKE) install-files

install-files:
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/planhat
	install -m 0644 themes/default.yaml themes/light.yaml themes/high-contrast.yaml $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes/
	$(INSTALL_BIN) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/planhat
	$(INSTALL_BIN) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_planhat
	$(INSTALL_BIN) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/planhat.fish
	@tmp=$$(mktemp -d) && $(MANUAL_TOOL) $(INSTALL_BIN) --output-directory $$tmp >/dev/null \
	  && install -m 0644 $$tmp/planhat.1 $(DESTDIR)$(PREFIX)/share/man/man1/planhat.1 && rm -rf $$tmp
	@echo "installed planhat $$($(DESTDIR)$(PREFIX)/bin/planhat --version) under $(DESTDIR)$(PREFIX)"

## uninstall: removes exactly what install put there
uninstall:
	rm -f $(INSTALLED)
	-rmdir $(DESTDIR)$(PREFIX)/share/planhat-explorer/themes $(DESTDIR)$(PREFIX)/share/planhat-explorer 2>/dev/null

## dist: a release tarball, dist/planhat-<version>-linux-<arch>.tar.gz, whose binary carries the Swift
## standard library and Foundation inside it (--static-swift-stdlib), so it runs without the toolchain;
## the system's own libraries (libc, libcurl, libncursesw, libsqlite3 and their kin) stay shared. Built
## in its own scratch path, beside the debug build. The tarball holds one folder laid out like PREFIX.
DIST_BUILD   = .build-dist
DIST_BIN     = $(DIST_BUILD)/release/planhat
DIST_VERSION = $(shell sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/planhat/Version.swift)
DIST_NAME    = planhat-$(DIST_VERSION)-linux-$(shell uname -m)
DIST_TARBALL = dist/$(DIST_NAME).tar.gz
## The static FoundationNetworking links -lcurl, which stays the system's shared library (libcurl.so.4,
## what libcurl4 installs): a link folder points libcurl.so at it, so no development package is needed.
DIST_LIBS    = $(DIST_BUILD)/link
DIST_LINK    = -Xlinker -L$(CURDIR)/$(DIST_LIBS)
dist: deps
	@mkdir -p $(DIST_LIBS) && curl=$$(/sbin/ldconfig -p | sed -n 's/.*libcurl.so.4 (libc6,x86-64) => //p;s/.*libcurl.so.4 ([^)]*) => //p' | head -1) \
	  && test -n "$$curl" && ln -sf $$curl $(DIST_LIBS)/libcurl.so \
	  || { echo "make dist: libcurl.so.4 not found (apt-get install libcurl4)"; exit 1; }
	$(SWIFT) build -c release --static-swift-stdlib $(DIST_LINK) --build-path $(DIST_BUILD) --product planhat
	$(SWIFT) build -c release --static-swift-stdlib $(DIST_LINK) --build-path $(DIST_BUILD) --product generate-manual
	rm -rf $(DIST_BUILD)/stage
	$(MAKE) --no-print-directory install-files DESTDIR=$(CURDIR)/$(DIST_BUILD)/stage/$(DIST_NAME) PREFIX= \
	  INSTALL_BIN=$(DIST_BIN) MANUAL_TOOL=$(DIST_BUILD)/release/generate-manual
	mkdir -p dist
	tar -C $(DIST_BUILD)/stage -czf $(DIST_TARBALL) $(DIST_NAME)
	@echo "built $(DIST_TARBALL) ($$(du -h $(DIST_TARBALL) | cut -f1))"

## The peer the explorer's whole-list figure is measured beside (VisiData, from PyPI; skipped when it cannot be installed)
BENCH_VENV    = .build/bench-venv
BENCH_PYTHON_PACKAGES = visidata==3.4
$(BENCH_VENV)/.installed:
	@python3 -m venv $(BENCH_VENV) && $(BENCH_VENV)/bin/pip install --quiet --disable-pip-version-check $(BENCH_PYTHON_PACKAGES) \
	  && touch $@ \
	  || { echo "warning: could not install $(BENCH_PYTHON_PACKAGES); the bench leaves VisiData out"; rm -rf $(BENCH_VENV); }

## mcp-client: the pinned Python MCP client used by the end-to-end tests
mcp-client: $(MCP_VENV)/.installed

$(MCP_VENV)/.installed:
	@python3 -m venv $(MCP_VENV) && $(MCP_VENV)/bin/pip install --quiet --disable-pip-version-check $(MCP_PACKAGE) \
	  && touch $@ \
	  || { echo "warning: could not install $(MCP_PACKAGE); the Python MCP client test will be skipped"; rm -rf $(MCP_VENV); }

## test: build and run every test (unit, sandbox, end-to-end through the built binary and MCP clients,
## and the release tarball, which is built first so that its test runs on CI too)
test: build mcp-client dist
	PLANHAT_MCP_PYTHON=$(CURDIR)/$(MCP_VENV)/bin/python PLANHAT_DIST_TARBALL=$(CURDIR)/$(DIST_TARBALL) \
	  $(SWIFT) test --skip-build --disable-xctest

## themes: embed themes/*.yaml into the binary
themes:
	python3 scripts/embed-themes.py

## bench: figures for the MCP server (stdio and HTTP under wrk), CLI, sandbox and explorer (release build; not a test)
## (BENCH_ONLY=startup, export, sandbox, explorer, http or bytes measures only that part; BENCH_COMPANIES sizes the large sandbox)
## (the dist binary is measured beside the release one: start-up with the Swift runtime static and shared)
## BENCH_HTTP_SECONDS: how long each HTTP run lasts (default 10).
bench: deps mcp-client dist $(BENCH_VENV)/.installed
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(BENCH_PACKAGES)"
	$(SWIFT) build -c release --product planhat
	$(SWIFT) build -c release --product PlanhatBench
	.build/release/PlanhatBench $(CURDIR)/$(RELEASE_BIN) $${BENCH_COMPANIES:-100000} $(CURDIR)/$(MCP_VENV)/bin/python $(CURDIR)/$(DIST_BIN)

## fuzz: libFuzzer over the parameter parser, validator and request building (FUZZ_SECONDS, default 60)
## fuzz-mcp: libFuzzer over MCP tool arguments, decoded by the SDK and handled by the tools (FUZZ_SECONDS)
## Both harnesses are ordinary SwiftPM executable targets (fuzz/Core, fuzz/MCP), built with -DFUZZING and
## the fuzzer sanitizer. SwiftPM links executables through ld.gold, which stops with an internal error on
## these objects, so the same objects are linked again with lld.
FUZZ_SECONDS ?= 60
FUZZ_DIR      = .build-fuzz/x86_64-unknown-linux-gnu/release
define fuzz_build
	-$(SWIFT) build --product $(1) --build-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -DFUZZING 2>&1 | grep -v -e "Cannot export local symbol" -e "ld.gold" -e "linker command failed"
	swiftc -L $(FUZZ_DIR) -o $(FUZZ_DIR)/$(1) -module-name $(1) -emit-executable \
	  -Xlinker --gc-sections -Xlinker --defsym -Xlinker main=$(1)_main \
	  @$(FUZZ_DIR)/$(1).product/Objects.LinkFileList -sanitize=fuzzer,address -use-ld=lld 2>&1 \
	  | grep -v "Cannot export local symbol" || true
endef

fuzz:
	mkdir -p .build/fuzz/corpus
	$(call fuzz_build,PlanhatCoreFuzz)
	$(FUZZ_DIR)/PlanhatCoreFuzz .build/fuzz/corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=.build/fuzz/

fuzz-mcp:
	mkdir -p .build/fuzz/mcp-corpus
	$(call fuzz_build,PlanhatMCPFuzz)
	$(FUZZ_DIR)/PlanhatMCPFuzz .build/fuzz/mcp-corpus fuzz/mcp-corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=.build/fuzz/mcp-

## catalog: regenerate the embedded catalog from the project's facts in catalog/planhat-models.json
catalog:
	python3 scripts/build-catalog.py

clean:
	rm -rf .build .build-dist dist
