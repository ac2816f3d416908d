// The ONE place the page imports the minseal package from. The committed page uses the real package
// built into pkg/ (served at /pkg/). For development before the bindings land, the browser tests and
// tests/js/browser/demo-server.mjs (MINSEAL_DEMO_FAKE=1) answer /pkg/index.js with the dev fake instead;
// nothing in the page refers to it. See docs/DEMO.md.
export * from '/pkg/index.js';
