// A local MQTT 3.1.1 broker (aedes) on 127.0.0.1 for the stack, demos and tests. It can be
// paused and resumed on the same port to rehearse the broker or the network going away.

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface LocalBroker {
  /** mqtt://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Stops listening and drops every connection; sessions and queued messages survive. */
  pause(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startBroker(options: { port?: number } = {}): Promise<LocalBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });

  try {
    await listen(server, options.port ?? 0);
  } catch (error) {
    await closeAedes(aedes);
    throw error;
  }
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('broker has no address');
  const port = address.port;
  let state: 'running' | 'paused' | 'stopped' = 'running';

  async function disconnectAll(): Promise<void> {
    const closing = [...sockets].map((socket) =>
      socket.closed ? Promise.resolve() : once(socket, 'close').then(() => undefined),
    );
    for (const socket of sockets) socket.destroy();
    await Promise.all(closing);
  }

  async function closeListener(): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await disconnectAll();
    await closed;
  }

  return {
    url: `mqtt://${HOST}:${port}`,
    port,
    async pause() {
      if (state !== 'running') return;
      state = 'paused';
      await closeListener();
    },
    async resume() {
      if (state !== 'paused') return;
      await listen(server, port);
      state = 'running';
    },
    async stop() {
      if (state === 'stopped') return;
      const wasRunning = state === 'running';
      state = 'stopped';
      if (wasRunning) await closeListener();
      await closeAedes(aedes);
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeAedes(aedes: Aedes): Promise<void> {
  return new Promise((resolve) => aedes.close(() => resolve()));
}
