# Planhat Explorer. `make run` and `make test` are the whole set-up on a fresh Debian machine with
# the Swift toolchain: missing system packages are installed first, only when absent.

SWIFT       ?= swift
APT_PACKAGES = libncurses-dev tmux libsqlite3-dev
RELEASE_BIN  = .build/release/planhat
DEBUG_BIN    = .build/debug/planhat

.PHONY: all run test build release deps bench clean catalog

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

## run: the main job on the offline sandbox
run: release
	@echo "== planhat models"
	@$(RELEASE_BIN) models
	@echo
	@echo '== planhat call companies list --params {"limit":3,"sort":"-arr","select":"name,arr,status"}'
	@$(RELEASE_BIN) call companies list --params '{"limit":3,"sort":"-arr","select":"name,arr,status"}'

## test: build and run every test (unit, sandbox, end-to-end through the built binary)
test: build
	$(SWIFT) test --skip-build --disable-xctest

## catalog: regenerate the embedded catalog from ../shared/reference
catalog:
	python3 scripts/build-catalog.py

clean:
	rm -rf .build
