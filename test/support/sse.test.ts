import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openEventStream } from './sse';

describe('test support: the SSE reader', () => {
  test('keeps events that arrive in the same chunk as the opening comment', async () => {
    // A resumed stream replays committed events at once; they may share a TCP chunk with the comment.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(': covenant events\n\nid: 7:ab\nevent: Transferred\ndata: {"amount":"20"}\n\nid: 9:cd\nevent: Minted\ndata: {"amount":"3"}\n\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const stream = await openEventStream(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, 'k');
      const events = await stream.until((e) => e.length >= 2, 2_000);
      stream.close();
      expect(events.map((e) => [e.id, e.event, e.data.amount])).toEqual([['7:ab', 'Transferred', '20'], ['9:cd', 'Minted', '3']]);
    } finally {
      server.close();
    }
  });
});
