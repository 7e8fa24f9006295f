# Planhat Explorer. `make run` and `make test` are the whole set-up on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed first, only when absent.

SWIFT       ?= swift
APT_PACKAGES = libncurses-dev tmux libsqlite3-dev
RELEASE_BIN  = .build/release/planhat
DEBUG_BIN    = .build/debug/planhat
# The Python MCP reference client the end-to-end tests drive the server with (pinned).
MCP_VENV     = .build/mcp-venv
MCP_PACKAGE  = mcp==2.3.0

.PHONY: all run test build release deps bench fuzz fuzz-mcp clean catalog themes mcp-client

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

## mcp-client: the pinned Python MCP client used by the end-to-end tests
mcp-client: $(MCP_VENV)/.installed

$(MCP_VENV)/.installed:
	@python3 -m venv $(MCP_VENV) && $(MCP_VENV)/bin/pip install --quiet --disable-pip-version-check $(MCP_PACKAGE) \
	  && touch $@ \
	  || { echo "warning: could not install $(MCP_PACKAGE); the Python MCP client test will be skipped"; rm -rf $(MCP_VENV); }

## test: build and run every test (unit, sandbox, end-to-end through the built binary and MCP clients)
test: build mcp-client
	PLANHAT_MCP_PYTHON=$(CURDIR)/$(MCP_VENV)/bin/python $(SWIFT) test --skip-build --disable-xctest

## themes: embed themes/*.yaml into the binary
themes:
	python3 scripts/embed-themes.py

## bench: figures for the MCP server, CLI, sandbox and explorer (release build; not a test)
bench: deps mcp-client
	$(SWIFT) build -c release --product planhat
	$(SWIFT) build -c release --product PlanhatBench
	.build/release/PlanhatBench $(CURDIR)/$(RELEASE_BIN) $${BENCH_COMPANIES:-100000} $(CURDIR)/$(MCP_VENV)/bin/python

## fuzz: libFuzzer over the parameter parser, validator and request building (FUZZ_SECONDS, default 60)
FUZZ_SECONDS ?= 60
FUZZ_SOURCES = $(wildcard Sources/PlanhatKit/JSON/*.swift Sources/PlanhatKit/Catalog/*.swift \
  Sources/PlanhatKit/Schema/*.swift Sources/PlanhatKit/Errors/*.swift Sources/PlanhatKit/Service/*.swift \
  Sources/PlanhatKit/Support/*.swift)
fuzz:
	mkdir -p .build/fuzz/corpus
	swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name PlanhatFuzz fuzz/PlanhatFuzz.swift $(FUZZ_SOURCES) \
	  -o .build/fuzz/planhat-fuzz 2>&1 | grep -v "Cannot export local symbol" || true
	.build/fuzz/planhat-fuzz .build/fuzz/corpus fuzz/corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=.build/fuzz/

## fuzz-mcp: libFuzzer over MCP tool arguments, decoded by the SDK and handled by the tools (FUZZ_SECONDS)
FUZZ_MCP_DIR = .build-fuzz/x86_64-unknown-linux-gnu/release
fuzz-mcp:
	mkdir -p .build/fuzz/mcp-corpus
	@# SwiftPM compiles everything with coverage; its link through ld.gold stops with an internal error,
	@# so the same objects are linked with lld.
	-swift build --product PlanhatMCPFuzz --build-path .build-fuzz -c release -Xswiftc -sanitize=fuzzer,address \
	  -Xswiftc -DFUZZING 2>&1 | grep -v -e "Cannot export local symbol" -e "ld.gold" -e "linker command failed"
	swiftc -L $(FUZZ_MCP_DIR) -o $(FUZZ_MCP_DIR)/PlanhatMCPFuzz -module-name PlanhatMCPFuzz -emit-executable \
	  -Xlinker --gc-sections -Xlinker --defsym -Xlinker main=PlanhatMCPFuzz_main \
	  @$(FUZZ_MCP_DIR)/PlanhatMCPFuzz.product/Objects.LinkFileList -sanitize=fuzzer,address -use-ld=lld 2>&1 \
	  | grep -v "Cannot export local symbol" || true
	$(FUZZ_MCP_DIR)/PlanhatMCPFuzz .build/fuzz/mcp-corpus fuzz/mcp-corpus -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -artifact_prefix=.build/fuzz/mcp-

## catalog: regenerate the embedded catalog from ../shared/reference
catalog:
	python3 scripts/build-catalog.py

clean:
	rm -rf .build
