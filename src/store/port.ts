/** The Store port, split by concern in `port/`: this re-export keeps `store/port.js` imports working. */
export * from './port/index.js';
