// The one place the page imports the minseal package from: the real package built into pkg/
// (served at /pkg/ by scripts/serve.mjs). See docs/DEMO.md.
export * from '/pkg/index.js';
