// `npm start`: the web service on localhost.
//   PORT                 port (default 8080)
//   HOST                 address to bind (default 127.0.0.1; anything else also accepts other host names)
//   GONGKAI_MAX_UPLOAD_MB  largest upload in MB (default 20)
// The corpus store (src/store/, embedded PGlite) is opened here once it lands and passed to createApp.

import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp, DEFAULT_UPLOAD_LIMIT } from './app.js';

function fail(message: string): never {
  process.stderr.write(`gongkai: ${message}\n`);
  process.exit(2);
}

const port = process.env.PORT === undefined || process.env.PORT === '' ? 8080 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT 必须是 0–65535 之间的整数 / PORT must be an integer 0–65535 (got ${process.env.PORT})`);

const hostname = process.env.HOST || '127.0.0.1';
const loopback = ['127.0.0.1', 'localhost', '::1'].includes(hostname);

let maxBytes = DEFAULT_UPLOAD_LIMIT;
if (process.env.GONGKAI_MAX_UPLOAD_MB) {
  const n = Number(process.env.GONGKAI_MAX_UPLOAD_MB);
  if (!(n > 0)) fail('GONGKAI_MAX_UPLOAD_MB 必须是正数 / GONGKAI_MAX_UPLOAD_MB must be a positive number');
  maxBytes = Math.round(n * 1024 * 1024);
}

const app = createApp({
  maxBytes,
  // Bound to loopback: only local host names, so a web page cannot reach the service through DNS rebinding.
  ...(loopback ? { allowedHosts: ['localhost', '127.0.0.1', '[::1]'] } : {}),
});

const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
  const host = loopback ? 'localhost' : info.family === 'IPv6' ? `[${info.address}]` : info.address;
  const url = `http://${host}:${info.port}/`;
  process.stdout.write(`gongkai 网页服务已启动：${url}  （按 Ctrl+C 停止）\n`);
  process.stdout.write(`gongkai web service running at ${url}  (Ctrl+C to stop)\n`);
});

server.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') fail(`端口 ${port} 已被占用，请用 PORT=其他端口 启动 / port ${port} is in use; start with PORT=<another port>`);
  if (err.code === 'EACCES') fail(`没有权限使用端口 ${port} / no permission to use port ${port}`);
  fail(`无法启动服务 / cannot start the server: ${err.message}`);
});

const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
