# minseal — every entry point. `make demo` and `make test` set up what they need first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
NODE_TEST := node --test --test-reporter=spec

.PHONY: setup pkg test lint test-rust test-js test-browser demo demo-cli bench fuzz clean

setup:
	@scripts/setup

pkg: setup
	@scripts/build-wasm

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --all-features -- -D warnings
	$(CARGO) deny check bans licenses sources

test-rust: setup
	$(CARGO) test --all-features

test-js: pkg
	cd tests/js && $(NODE_TEST) node/

test-browser: pkg
	cd tests/js && $(NODE_TEST) browser/

# Every test: formatting and lints, Rust (unit, integration, vectors, properties),
# the npm package under Node, and the pages in headless Chromium.
test: lint test-rust test-js test-browser
	@echo "make test: all passed"

# The main job: build, then serve the demo page on 127.0.0.1.
demo: pkg
	node scripts/serve.mjs

# Every cargo-fuzz target for FUZZ_SECONDS each (default 60); see scripts/fuzz, docs/SECURITY.md.
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz

clean:
	rm -rf target pkg tests/js/node_modules test-output
