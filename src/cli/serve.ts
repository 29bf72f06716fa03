/**
 * `xinyong serve` (and the serving half of `xinyong demo`): listens until SIGTERM or SIGINT, then
 * stops taking requests, lets in-flight ones finish, flushes decision receipts to the audit log
 * and closes the database.
 */
import type { AppContext } from '../app/context.js';
import { buildServer, type ServerOptions } from '../api/server.js';

export interface ServeOptions extends Omit<ServerOptions, 'ctx'> {
  port: number;
  host: string;
  /** Printed once listening (the demo adds its keys). */
  banner?: (url: string) => void;
}

/** Serves until a termination signal; resolves once everything is flushed and closed. */
export async function serve(ctx: AppContext, o: ServeOptions): Promise<void> {
  const { app } = await buildServer({ receiptWorker: true, ...o, ctx });
  await app.listen({ port: o.port, host: o.host });
  const shown = o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${o.port}`;
  o.banner?.(url);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'stopping: finishing in-flight requests and flushing receipts');
      app.close().then(resolve, (err) => {
        app.log.error({ err }, 'error while stopping');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
