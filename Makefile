# minseal — every entry point. `make demo` and `make test` set up what they need first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
CARGO ?= cargo
NODE_TEST := node --test --test-reporter=spec

.PHONY: setup pkg pkg-testing test lint test-rust test-js test-browser demo demo-cli bench fuzz clean

setup:
	@scripts/setup

pkg: setup
	@scripts/build-wasm

# The test package: pkg/ plus the TEST-ONLY `test-hooks` feature (a seeded RNG for the wasm/native
# sameness test), in target/pkg-testing/. Never published.
pkg-testing: setup
	@MINSEAL_WASM_FEATURES="wasm test-hooks" MINSEAL_SENDER_FEATURES= MINSEAL_PKG_DIR=target/pkg-testing scripts/build-wasm

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --all-features
	scripts/deny

# `--benches` runs each criterion bench once in test mode, so a bench that no longer runs (an
# invalid bench policy, a changed API) fails here rather than in `make bench`.
test-rust: setup
	$(CARGO) test --workspace --all-features
	$(CARGO) test -p minseal --benches

test-js: pkg pkg-testing
	cd tests/js && $(NODE_TEST) node/

test-browser: pkg
	cd tests/js && $(NODE_TEST) browser/

# Every test: formatting and lints, Rust (unit, integration, vectors, properties),
# the npm package under Node, and the pages in headless Chromium.
test: lint test-rust test-js test-browser
	@echo "make test: all passed"

# The main job: build, run it end to end with the CLI on the sample Art. 7 order, then serve
# the demo page on 127.0.0.1 (port 8787 or $$PORT; Ctrl-C stops it).
demo: pkg demo-cli
	@printf '\n== The same in the browser ==\n'
	node scripts/serve.mjs

# Only the CLI part: key pair, minimise + seal, receipt and header, open + verify.
demo-cli: setup
	@scripts/demo-cli

# Native criterion benches, peak RSS of streaming 1 GiB, then the JS side-by-side benchmark with
# the cold start in headless Chromium (benches/js/browser-cold.mjs; writes docs/BENCHMARKS-js.*).
bench: pkg bench-receiver
	$(CARGO) bench --bench seal --bench minimise --bench register -- --warm-up-time 1 --measurement-time 3
	$(CARGO) run -q --release --example stream_rss -- 1024
	cd benches/js && node bench.mjs

# The receiving service under load and SIGKILL (docs/RECEIVER.md): 64 clients, 1 000 envelopes of
# 4 KiB and 200 of 1 MiB, then 1 000 with five kills and restarts; throughput and p50/p99.
.PHONY: bench-receiver
bench-receiver:
	$(CARGO) bench -p minseal-receiver --bench load

# Every cargo-fuzz target for FUZZ_SECONDS each (default 60); see scripts/fuzz, docs/SECURITY.md.
fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} scripts/fuzz

clean:
	rm -rf target pkg tests/js/node_modules test-output
