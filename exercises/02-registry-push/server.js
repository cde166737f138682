// simple-node: the service this exercise publishes. No dependencies, so the
// image builds anywhere; it answers GET /health so a pulled copy can be tested.
const http = require("http");

const PORT = process.env.PORT || 8080;

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(`ok (node ${process.version})\n`);
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

server.listen(PORT, () => {
  console.log(`simple-node listening on port ${PORT}`);
});

// `docker stop` sends SIGTERM; exit at once instead of waiting to be killed.
process.on("SIGTERM", () => server.close(() => process.exit(0)));
