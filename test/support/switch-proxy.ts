import { Agent, IncomingMessage, ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP forwarder on 127.0.0.1 whose upstream can be switched: the URL other gateways are given
 * for a gateway that is killed and started again on a new port (test/api/route-kill.test.ts).
 * While no upstream is set, or it does not answer, requests get 502 (as from a gateway that is down).
 */
export interface SwitchProxy {
  url: string;
  /** The upstream `http://host:port`, or undefined while the gateway is down. */
  target: string | undefined;
  close(): Promise<void>;
}

export async function startSwitchProxy(): Promise<SwitchProxy> {
  const agent = new Agent({ keepAlive: false });
  const proxy: SwitchProxy = { url: '', target: undefined, close: async () => undefined };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const fail = (detail: string) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 502, code: 'LEDGER_UNAVAILABLE', detail }));
    };
    if (!proxy.target) return fail('gateway down');
    const upstream = new URL(proxy.target);
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    out.on('error', (err) => fail(`gateway unreachable: ${err.message}`));
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
