// The tests the pipeline must run before it publishes anything: `npm test`
// runs them with Node's built-in test runner (node --test).
const test = require("node:test");
const assert = require("node:assert");
const { createServer } = require("./app");

async function get(server, path) {
  const { port } = server.address();
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

test("GET /health answers 200 ok", async (t) => {
  const server = createServer().listen(0);
  t.after(() => server.close());
  await new Promise((resolve) => server.once("listening", resolve));
  const r = await get(server, "/health");
  assert.strictEqual(r.status, 200);
  assert.match(r.body, /ok/);
});

test("unknown paths answer 404", async (t) => {
  const server = createServer().listen(0);
  t.after(() => server.close());
  await new Promise((resolve) => server.once("listening", resolve));
  const r = await get(server, "/nope");
  assert.strictEqual(r.status, 404);
});
