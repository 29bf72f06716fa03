export { GateIndex } from './gate-index.js';
