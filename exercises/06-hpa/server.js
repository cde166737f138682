// busy-node: a service whose work costs CPU. GET /burn?ms=200 keeps a core busy
// for 200 ms before answering, which is what an autoscaler reacts to.
const http = require("http");
const os = require("os");

const PORT = Number(process.env.PORT) || 8080;
const MAX_BURN_MS = 2000;

function burn(ms) {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  return x;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (req.method === "GET" && url.pathname === "/health") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("ok\n");
    return;
  }
  if (req.method === "GET" && url.pathname === "/burn") {
    const ms = Math.min(Math.max(Number(url.searchParams.get("ms")) || 200, 1), MAX_BURN_MS);
    burn(ms);
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(`burned ${ms} ms of CPU on ${os.hostname()}\n`);
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

server.listen(PORT, () => {
  console.log(`busy-node listening on port ${PORT}`);
});

process.on("SIGTERM", () => server.close(() => process.exit(0)));
