// A tiny service that tells the time.
const http = require("http");

const PORT = process.env.PORT || 8080;

function getDate() {
  return new Date().toISOString();
}

// Every 5 seconds, log a heartbeat with the current date.
setInterval(() => {
  try {
    console.log(`heartbeat: ${getDate()}`);
  } catch (err) {
    console.error(`Error: ${err}`);
  }
}, 5000);

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") {
    try {
      const now = getDate();
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end(`ok ${now}\n`);
    } catch (err) {
      console.error(`Error: ${err}`);
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("something went wrong\n");
    }
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

server.listen(PORT, () => {
  console.log(`listening on port ${PORT}`);
});
