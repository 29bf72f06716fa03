/** The helpers that lived here before the adapter was split by sub-port (db.ts), for existing imports. */
export { APPEND_LOCK, STATE_CHANNEL, copyRows, copyText, exclusiveLockKey, parseUrl, redactUrl, type Client, type Row } from './db.js';
