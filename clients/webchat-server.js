#!/usr/bin/env node
// Web Chat over offline-directline, in one Node process on loopback, for the browser test:
// GET /            the Web Chat page (webchat/index.html)
// GET /webchat.js  botframework-webchat's browser bundle, from node_modules
// /directline/*    offline-directline's Direct Line API for the page (polling, no WebSocket)
// /v3/*            offline-directline's connector API: the bot's replies come back here (serviceUrl)
//
// Usage: node webchat-server.js --bot http://127.0.0.1:3978/api/messages [--port 0]
// Prints one JSON line {"url": "http://127.0.0.1:PORT"} once it listens; port 0 picks a free port.
"use strict";

const path = require("path");

const DIRECTLINE = path.dirname(require.resolve("offline-directline/package.json"));
const express = require(require.resolve("express", { paths: [DIRECTLINE] })); // the version offline-directline was built for
const directline = require("offline-directline");

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index > 0 && index + 1 < process.argv.length ? process.argv[index + 1] : fallback;
}

const bot = option("--bot");
if (!bot) {
  process.stderr.write("usage: node webchat-server.js --bot http://127.0.0.1:3978/api/messages [--port 0]\n");
  process.exit(2);
}
const app = express();
app.get("/", (req, res) => res.sendFile(path.join(__dirname, "webchat", "index.html")));
// The package's "exports" hide dist/, so the bundle is served by its path in node_modules.
const WEBCHAT_BUNDLE = path.join(__dirname, "node_modules", "botframework-webchat", "dist", "webchat.js");
app.get("/webchat.js", (req, res) => res.sendFile(WEBCHAT_BUNDLE));

const server = app.listen(Number(option("--port", "0")), "127.0.0.1", () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  // The serviceUrl the bot replies to must be this server, so the routes go in once the port is known.
  app.use(directline.getRouter(url, bot));
  process.stdout.write(JSON.stringify({ url }) + "\n");
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
