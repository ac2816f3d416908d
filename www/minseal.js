// The ONE place the page imports the minseal package from. The committed page uses the real package
// built into pkg/ (served at /pkg/). For development before the bindings land, the browser tests and
// tests/js/browser/demo-server.mjs can serve www/dev/fake-minseal.js at /pkg/index.js (MINSEAL_DEMO_FAKE=1);
// this file never names the fake.
export * from '/pkg/index.js';
